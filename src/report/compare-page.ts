/** A comparison as markdown (CI job summaries) and as a self-contained HTML page. */
import { escapeHtml, escapeMarkdown } from './escape.js';
import type { BestChoice } from '../analysis/best.js';
import type { Change, Comparison, RunChange } from '../analysis/compare.js';

const ARROW: Record<Change, string> = { improved: 'better', regressed: 'WORSE', same: '', reason: 'reason' };

function bestText(b: BestChoice | null): string {
  if (!b) return 'none converged';
  const extra = [b.schedule !== 'constant' ? b.schedule : '', b.optimizer !== 'gd' ? b.optimizer : ''].filter(Boolean).join(', ');
  return `${b.lr}${extra ? ` (${extra})` : ''} at epoch ${b.convergedAt}`;
}

function sameBest(a: BestChoice | null, b: BestChoice | null): boolean {
  return (a?.lr ?? null) === (b?.lr ?? null) && (a?.schedule ?? null) === (b?.schedule ?? null) && (a?.optimizer ?? null) === (b?.optimizer ?? null);
}

export function compareMarkdown(c: Comparison, baseLabel: string, nextLabel: string, maxRows = 50): string {
  const lines: string[] = [];
  lines.push(`## gdsweep compare: ${escapeMarkdown(c.nextName)}`);
  lines.push('');
  lines.push(`Base \`${baseLabel}\`, new \`${nextLabel}\`: ${c.common} runs compared; **${c.counts.regressed} regressed**, ${c.counts.improved} improved, ${c.counts.reason} changed reason, ${c.counts.same} unchanged.`);
  if (c.onlyBase || c.onlyNext) lines.push(`Only in base: ${c.onlyBase} runs; only in new: ${c.onlyNext} runs (not compared).`);
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
      lines.push(`| ${x.lr} | ${x.epochs} | ${x.start} | ${x.schedule} | ${x.optimizer} | ${x.base.class}/${x.base.reason} | ${x.next.class}/${x.next.reason} | ${ARROW[x.change]} |`);
    }
    if (order.length > maxRows) lines.push(`\n(${order.length - maxRows} more in compare.html)`);
  }
  return lines.join('\n') + '\n';
}

const COLOURS: Record<Change, string> = { improved: '#1b9e77', regressed: '#d95f02', reason: '#7570b3', same: '#eeeeee' };

function deltaMaps(c: Comparison): string {
  const panels = new Map<string, RunChange[]>();
  for (const x of c.changes) {
    const key = `start ${x.start}, ${x.schedule}, ${x.optimizer}`;
    const list = panels.get(key) ?? [];
    list.push(x);
    panels.set(key, list);
  }
  const out: string[] = [];
  for (const [title, list] of panels) {
    const lrs = [...new Set(list.map((x) => x.lr))].sort((a, b) => b - a);
    const epochs = [...new Set(list.map((x) => x.epochs))].sort((a, b) => a - b);
    const at = new Map(list.map((x) => [`${x.lr}|${x.epochs}`, x]));
    out.push(`<h3>${escapeHtml(title)}</h3><table class="delta"><thead><tr><th>lr \\ epochs</th>${epochs.map((e) => `<th>${e}</th>`).join('')}</tr></thead><tbody>`);
    for (const lr of lrs) {
      out.push(`<tr><th>${lr}</th>`);
      for (const e of epochs) {
        const x = at.get(`${lr}|${e}`);
        if (!x) {
          out.push('<td></td>');
          continue;
        }
        const tip = `${x.base.class}/${x.base.reason} -> ${x.next.class}/${x.next.reason}`;
        out.push(`<td style="background:${COLOURS[x.change]}" title="${escapeHtml(tip)}">${x.change === 'same' ? '' : escapeHtml(ARROW[x.change])}</td>`);
      }
      out.push('</tr>');
    }
    out.push('</tbody></table>');
  }
  return out.join('');
}

export function compareHtml(c: Comparison, baseLabel: string, nextLabel: string): string {
  const rows = c.changes
    .filter((x) => x.change !== 'same')
    .map(
      (x) =>
        `<tr class="${x.change}"><td>${x.lr}</td><td>${x.epochs}</td><td>${x.start}</td><td>${escapeHtml(x.schedule)}</td><td>${escapeHtml(x.optimizer)}</td>` +
        `<td>${x.base.class}/${x.base.reason}</td><td>${x.next.class}/${x.next.reason}</td><td>${ARROW[x.change]}</td></tr>`,
    )
    .join('\n');
  const best = c.best
    .map((m) => `<tr><td>${m.epochs}</td><td>${escapeHtml(bestText(m.base))}</td><td>${escapeHtml(bestText(m.next))}</td><td>${sameBest(m.base, m.next) ? '' : 'moved'}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gdsweep compare: ${escapeHtml(c.nextName)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:0.2rem 0.5rem;font-size:0.9rem;text-align:right}
.delta td{min-width:3.5rem;text-align:center}.regressed td:last-child{color:#d95f02;font-weight:bold}.improved td:last-child{color:#1b9e77}
.legend span{display:inline-block;padding:0.1rem 0.6rem;margin-right:0.5rem}
</style></head><body>
<h1>gdsweep compare: ${escapeHtml(c.nextName)}</h1>
<p>Base <code>${escapeHtml(baseLabel)}</code>, new <code>${escapeHtml(nextLabel)}</code>: ${c.common} runs compared; <strong>${c.counts.regressed} regressed</strong>, ${c.counts.improved} improved, ${c.counts.reason} changed reason, ${c.counts.same} unchanged.</p>
${c.definition.length ? `<p>Definition changes: ${c.definition.map((d) => `<code>${escapeHtml(d)}</code>`).join(', ')}</p>` : ''}
<h2>Best learning rate per epoch budget</h2>
<table><thead><tr><th>epochs</th><th>base</th><th>new</th><th></th></tr></thead><tbody>
${best}
</tbody></table>
<h2>Delta map</h2>
<p class="legend">${(['improved', 'regressed', 'reason', 'same'] as Change[]).map((k) => `<span style="background:${COLOURS[k]}">${k}</span>`).join('')}</p>
${deltaMaps(c)}
<h2>Runs that changed</h2>
<table><thead><tr><th>lr</th><th>epochs</th><th>start</th><th>schedule</th><th>optimizer</th><th>base</th><th>new</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
