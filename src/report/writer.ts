/**
 * The report writer: results document in, index.html + one PNG per chart +
 * summary.md out, written into `dir`, which is already a temporary folder
 * that writeSweepFolder (run) or the render command swaps in atomically.
 *
 * Phases: model (pure) -> chart specs (pure) -> charts rendered (SVG, PNG)
 * -> page and summary -> files, each write awaited and synced.
 */
import { join } from 'node:path';
import { throwIfInterrupted } from '../errors.js';
import { writeFileDurable } from '../results/atomic.js';
import type { ResultsDocument } from '../results/format.js';
import { DEFAULT_GRAMMAR_LIMITS, type GrammarLimits } from '../objective/grammar.js';
import { pageAssets } from './assets.js';
import { renderHtml } from './html.js';
import { chartSpecs } from './charts/registry.js';
import { buildReportModel } from './model.js';
import { renderCharts } from './render-charts.js';
import { renderSummary } from './summary.js';

/** The files a report consists of, so `render` knows what to replace. */
export const REPORT_FILES = { page: 'index.html', summary: 'summary.md' } as const;

export interface ReportOutput {
  files: string[];
  warnings: string[];
}

/**
 * Each file is new and fsynced (writeFileDurable), so a report swapped in
 * after a crash is whole. An aborted `signal` (SIGINT/SIGTERM) stops the
 * writing between phases with an InterruptedError. `grammar`: the expression
 * limits of the command line, under which the objective is compiled again.
 */
export async function writeReport(dir: string, doc: ResultsDocument, signal?: AbortSignal, grammar: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): Promise<ReportOutput> {
  const model = buildReportModel(doc, grammar);
  const warnings: string[] = [];
  throwIfInterrupted(signal);
  const charts = await renderCharts(chartSpecs(model), warnings, signal);
  throwIfInterrupted(signal);
  const html = renderHtml(model, charts, await pageAssets());
  const files: string[] = [];
  for (const c of charts) {
    throwIfInterrupted(signal);
    writeFileDurable(join(dir, c.spec.png), c.png);
    files.push(c.spec.png);
  }
  throwIfInterrupted(signal);
  writeFileDurable(join(dir, REPORT_FILES.page), html);
  writeFileDurable(join(dir, REPORT_FILES.summary), renderSummary(model));
  files.push(REPORT_FILES.page, REPORT_FILES.summary);
  return { files, warnings };
}

/** The ReportWriter that `gdsweep run` and `merge` pass to writeSweepFolder. */
export async function reportWriter(dir: string, doc: ResultsDocument, signal?: AbortSignal, grammar: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): Promise<void> {
  await writeReport(dir, doc, signal, grammar);
}
