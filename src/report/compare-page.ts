/** A comparison as markdown (CI job summaries) and as a self-contained HTML page. */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { sig6, plural } from '../format/numbers.js';
import { escapeMarkdown } from './escape.js';
import { DEFAULT_OPTIMIZER } from '../registry/optimizers.js';
import { DEFAULT_SCHEDULE } from '../registry/schedules.js';
import type { BestChoice } from '../analysis/best.js';
import type { Change, Comparison, RunChange } from '../analysis/compare.js';

const ARROW: Record<Change, string> = { improved: 'better', regressed: 'WORSE', same: '', reason: 'reason' };

function bestText(b: BestChoice | null): string {
  if (!b) return 'none converged';
  const extra = [b.schedule !== DEFAULT_SCHEDULE ? b.schedule : '', b.optimizer !== DEFAULT_OPTIMIZER ? b.optimizer : ''].filter(Boolean).join(', ');
  return `${sig6(b.lr)}${extra ? ` (${extra})` : ''} at epoch ${b.convergedAt}`;
}

function sameBest(a: BestChoice | null, b: BestChoice | null): boolean {
  return (a?.lr ?? null) === (b?.lr ?? null) && (a?.schedule ?? null) === (b?.schedule ?? null) && (a?.optimizer ?? null) === (b?.optimizer ?? null);
}

export function compareMarkdown(c: Comparison, baseLabel: string, nextLabel: string, maxRows = 50): string {
  const lines: string[] = [];
  lines.push(`## gdsweep compare: ${escapeMarkdown(c.nextName)}`);
  lines.push('');
  lines.push(`Base \`${baseLabel}\`, new \`${nextLabel}\`: ${plural(c.common, 'run')} compared; **${c.counts.regressed} regressed**, ${c.counts.improved} improved, ${c.counts.reason} changed reason, ${c.counts.same} unchanged.`);
  if (c.onlyBase || c.onlyNext) lines.push(`Only in base: ${plural(c.onlyBase, 'run')}; only in new: ${plural(c.onlyNext, 'run')} (not compared).`);
  if (c.definition.length) {
    lines.push('');
    lines.push('Definition changes: ' + c.definition.map((d) => `\`${d}\``).join(', '));
  }
  lines.push('');
  lines.push('### Best learning rate per epoch budget');
  lines.push('');
  lines.push('| epochs | base | new | |');
  lines.push('|---:|---|---|---|');
  for (const m of c.best) lines.push(`| ${m.epochs} | ${bestText(m.base)} | ${bestText(m.next)} | ${sameBest(m.base, m.next) ? '' : 'moved'} |`);
  const changed = c.changes.filter((x) => x.change !== 'same');
  lines.push('');
  lines.push('### Runs that changed');
  lines.push('');
  if (changed.length === 0) lines.push('None.');
  else {
    lines.push('| lr | epochs | start | schedule | optimizer | base | new | |');
    lines.push('|---:|---:|---:|---|---|---|---|---|');
    // Regressions first: they are what a reviewer must see.
    const order = [...changed].sort((a, b) => (a.change === 'regressed' ? 0 : 1) - (b.change === 'regressed' ? 0 : 1));
    for (const x of order.slice(0, maxRows)) {
      lines.push(`| ${sig6(x.lr)} | ${x.epochs} | ${sig6(x.start)} | ${x.schedule} | ${x.optimizer} | ${x.base.class}/${x.base.reason} | ${x.next.class}/${x.next.reason} | ${ARROW[x.change]} |`);
    }
    if (order.length > maxRows) lines.push(`\n(${order.length - maxRows} more in compare.html)`);
  }
  return lines.join('\n') + '\n';
}

const COLOURS: Record<Change, string> = { improved: '#1b9e77', regressed: '#d95f02', reason: '#7570b3', same: '#eeeeee' };
const TEMPLATE = new URL('../../templates/compare.hbs', import.meta.url);

/** One delta map per (start, schedule, optimizer): lr down, epochs across. */
function deltaMaps(c: Comparison) {
  const panels = new Map<string, RunChange[]>();
  for (const x of c.changes) {
    const key = `start ${sig6(x.start)}, ${x.schedule}, ${x.optimizer}`;
    const list = panels.get(key) ?? [];
    list.push(x);
    panels.set(key, list);
  }
  return [...panels].map(([title, list]) => {
    const lrs = [...new Set(list.map((x) => x.lr))].sort((a, b) => b - a);
    const epochs = [...new Set(list.map((x) => x.epochs))].sort((a, b) => a - b);
    const at = new Map(list.map((x) => [`${x.lr}|${x.epochs}`, x]));
    return {
      title,
      epochs,
      rows: lrs.map((lr) => ({
        lr: sig6(lr),
        cells: epochs.map((e) => {
          const x = at.get(`${lr}|${e}`);
          if (!x) return { change: null };
          return { change: x.change, tip: `${x.base.class}/${x.base.reason} -> ${x.next.class}/${x.next.reason}`, mark: x.change === 'same' ? '' : ARROW[x.change] };
        }),
      })),
    };
  });
}

/** compare.html: a view of the comparison poured into templates/compare.hbs (Handlebars escapes every value). */
export function compareHtml(c: Comparison, baseLabel: string, nextLabel: string): string {
  const template = Handlebars.compile(readFileSync(TEMPLATE, 'utf8'), { strict: true });
  return template({
    name: c.nextName,
    baseLabel,
    nextLabel,
    common: plural(c.common, 'run'),
    counts: c.counts,
    definition: c.definition,
    best: c.best.map((m) => ({ epochs: m.epochs, base: bestText(m.base), next: bestText(m.next), moved: sameBest(m.base, m.next) ? '' : 'moved' })),
    legend: (['improved', 'regressed', 'reason', 'same'] as const).map((key) => ({ key, colour: COLOURS[key] })),
    maps: deltaMaps(c),
    rows: c.changes
      .filter((x) => x.change !== 'same')
      .map((x) => ({
        change: x.change,
        lr: sig6(x.lr),
        epochs: x.epochs,
        start: sig6(x.start),
        schedule: x.schedule,
        optimizer: x.optimizer,
        base: `${x.base.class}/${x.base.reason}`,
        next: `${x.next.class}/${x.next.reason}`,
        mark: ARROW[x.change],
      })),
  });
}
