/**
 * summary.md: the report in a few lines of GitHub-flavoured Markdown, fit
 * for a CI job summary ($GITHUB_STEP_SUMMARY): counts per class, the best
 * learning rate per epoch budget (rule in best.ts) and the divergent runs.
 * All free text is escaped so a title cannot inject links, HTML or table cells.
 */
import { BEST_RULE, type BestChoice } from '../analysis/best.js';
import { escapeMarkdown as md, markdownCode as code } from './escape.js';
import type { ReportModel } from './model.js';
import { count, sig6, fmt, percent, plural } from '../format/numbers.js';
import { atText, valueText } from './run-text.js';

/** Divergent runs listed one per row up to this many; the rest are counted. */
export const SUMMARY_DIVERGENT_ROWS = 20;
/** Points reached listed up to this many (shown when there is more than one, or one that is not a minimum). */
export const SUMMARY_POINT_ROWS = 12;

function choiceCols(c: BestChoice, withAxes: boolean): string[] {
  return [`**${sig6(c.lr)}**`, ...(withAxes ? [md(c.schedule), md(c.optimizer)] : [])];
}

export function renderSummary(model: ReportModel): string {
  const h = model.header;
  const L: string[] = [];
  L.push(`## gdsweep: ${md(h.title)}`, '');
  L.push(
    `Sweep ${code(h.name)} · ${plural(model.total, 'run')} · f(x) = ${code(h.expr)} · tolerance |f'| <= ${h.tolerance} · sweep ${code(h.hash)} · gdsweep ${md(h.version)}`,
    '',
  );
  if (h.shard) L.push(`> ${md(h.shard)}`, '');
  L.push('| class | runs | share |', '|:--|--:|--:|');
  for (const k of ['converged', 'slow', 'divergent'] as const) L.push(`| ${k} | ${count(model.counts[k])} | ${percent(model.counts[k], model.total)} |`);
  L.push('');

  const ax = model.header.axes;
  const withAxes = ax.some((a) => a.name === 'schedule' || a.name === 'optimizer');
  L.push('### Best learning rate per epoch budget', '');
  if (model.best.length === 0) L.push('No runs.', '');
  else {
    L.push(`| epochs | best lr |${withAxes ? ' schedule | optimizer |' : ''} converged by epoch | runs |`);
    L.push(`|--:|--:|${withAxes ? ':--|:--|' : ''}--:|--:|`);
    for (const b of model.best) {
      if (b.best) {
        L.push(`| ${b.epochs} | ${choiceCols(b.best, withAxes).join(' | ')} | ${b.best.convergedAt} | ${b.best.converged}/${b.best.runs} converged |`);
      } else if (b.closest) {
        L.push(
          `| ${b.epochs} | none: closest ${sig6(b.closest.lr)} |${withAxes ? ` ${md(b.closest.schedule)} | ${md(b.closest.optimizer)} |` : ''} ${b.closest.convergedAt} | ${b.closest.converged}/${b.closest.runs} converged |`,
        );
      } else {
        L.push(`| ${b.epochs} | none converged |${withAxes ? ' | |' : ''} | |`);
      }
    }
    L.push('', BEST_RULE, '');
  }

  const points = model.stationary.points;
  if (points.length > 1 || points.some((p) => p.kind !== 'minimum')) {
    L.push('### Points the converged runs reached', '');
    L.push("| point | f''(x) | kind | converged runs |", '|:--|--:|:--|--:|');
    for (const p of points.slice(0, SUMMARY_POINT_ROWS)) {
      L.push(`| ${md(p.label)} | ${Number.isFinite(p.curvature) ? fmt(p.curvature) : '-'} | ${p.kind === 'minimum' ? 'minimum' : `**not a minimum**: ${p.kind}`} | ${count(p.runs)} |`);
    }
    if (points.length > SUMMARY_POINT_ROWS) L.push('', `... and ${count(points.length - SUMMARY_POINT_ROWS)} more in index.html.`);
    L.push('');
  }

  const div = model.divergent;
  L.push(`### Divergent runs (${count(div.length)})`, '');
  if (div.length === 0) L.push('None.', '');
  else {
    L.push('| run | lr | epochs | start | reason | x at the end |', '|--:|--:|--:|--:|:--|--:|');
    for (const r of div.slice(0, SUMMARY_DIVERGENT_ROWS)) {
      const why = r.reason === 'blew-up' ? atText(r) : 'loss ended above its start';
      L.push(`| ${r.id} | ${sig6(r.lr)} | ${r.epochs} | ${sig6(r.start)} | ${why} | ${r.x === null ? valueText(null, r) : fmt(r.x)} |`);
    }
    if (div.length > SUMMARY_DIVERGENT_ROWS) L.push('', `... and ${count(div.length - SUMMARY_DIVERGENT_ROWS)} more in results.csv.`);
    L.push('');
  }
  L.push('The full report is index.html beside this file; every run is in results.csv.', '');
  return L.join('\n');
}
