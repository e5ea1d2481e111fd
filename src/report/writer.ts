/**
 * The report writer: results document in, index.html + one PNG per chart +
 * summary.md out, written into `dir`, which is already a temporary folder
 * that writeSweepFolder (run) or the render command swaps in atomically.
 *
 * Phases: model (pure) -> chart specs (pure) -> charts rendered (SVG, PNG)
 * -> page and summary -> files, each write awaited and synced.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultsDocument } from '../results/format.js';
import { DEFAULT_GRAMMAR_LIMITS, type GrammarLimits } from '../objective/grammar.js';
import { pageAssets } from './assets.js';
import { renderHtml } from './html.js';
import { buildReportModel } from './model.js';
import { renderCharts } from './render-charts.js';
import { chartSpecs } from './specs.js';
import { renderSummary } from './summary.js';

/** The files a report consists of, so `render` knows what to replace. */
export const REPORT_FILES = { page: 'index.html', summary: 'summary.md' } as const;

export interface ReportOutput {
  files: string[];
  warnings: string[];
}

/** Write and fsync, so a report swapped in after a crash is whole. */
async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** `grammar`: the expression limits of the command line, under which the objective is compiled again. */
export async function writeReport(dir: string, doc: ResultsDocument, grammar: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): Promise<ReportOutput> {
  const model = buildReportModel(doc, grammar);
  const warnings: string[] = [];
  const charts = await renderCharts(chartSpecs(model), warnings);
  const html = renderHtml(model, charts, await pageAssets());
  const files: string[] = [];
  for (const c of charts) {
    await writeDurable(join(dir, c.spec.png), c.png);
    files.push(c.spec.png);
  }
  await writeDurable(join(dir, REPORT_FILES.page), html);
  await writeDurable(join(dir, REPORT_FILES.summary), renderSummary(model));
  files.push(REPORT_FILES.page, REPORT_FILES.summary);
  return { files, warnings };
}

/** The ReportWriter that `gdsweep run` and `merge` pass to writeSweepFolder. */
export async function reportWriter(dir: string, doc: ResultsDocument, grammar: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): Promise<void> {
  await writeReport(dir, doc, grammar);
}
