import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gdsweep, ROOT, tempDir } from '../helpers/cli.js';

interface Step {
  run?: string;
  uses?: string;
}
interface Workflow {
  jobs: Record<string, { steps: Step[]; needs?: string; strategy?: { matrix: { index: number[] } } }>;
  env: Record<string, string | number>;
}

const workflow = parse(readFileSync(join(ROOT, '.github/workflows/nightly.yml'), 'utf8')) as Workflow;

function gdsweepLines(): string[] {
  return Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .flatMap((s) => (s.run ?? '').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('npx gdsweep '));
}

describe('nightly workflow', () => {
  it('parses, has a shard matrix and a merge job, and its commands are the README\'s', () => {
    expect(workflow.jobs.shard?.strategy?.matrix.index).toEqual([1, 2, 3]);
    expect(workflow.env.SHARDS).toBe(3);
    expect(workflow.jobs.merge?.needs).toBe('shard');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const lines = gdsweepLines();
    expect(lines.length).toBe(3);
    for (const l of lines) expect(readme).toContain(l);
    expect(lines.map((l) => l.split(' ')[2])).toEqual(['run', 'merge', 'compare']);
  });

  it('runs the same sequence locally: shards, merge, summary, compare with the previous night', () => {
    const work = tempDir();
    const env = { SWEEP: 'sweeps/seed.yaml', SHARDS: '3' };
    const expand = (l: string, index: number) =>
      l
        .replace('${{ matrix.index }}', String(index))
        .replace(/"\$SWEEP"/g, env.SWEEP)
        .replace(/\$SHARDS/g, env.SHARDS)
        .replace(/ > compare\.md \|\| status=\$\?$/, '');
    // A shell would drop the quotes.
    const args = (l: string) => l.replace(/^npx gdsweep /, '').replace(/"/g, '').split(' ').filter(Boolean);
    const [runLine, mergeLine, compareLine] = gdsweepLines() as [string, string, string];
    // Each matrix job on its own machine; download-artifact puts each in shards/shard-i/.
    for (const i of [1, 2, 3]) {
      const job = tempDir();
      const r = gdsweep(args(expand(runLine, i)).map((a) => (a === 'shards' ? join(job, 'shards') : a)));
      expect(r.stderr).not.toMatch(/gdsweep:/);
      expect(r.status).toBe(0);
      cpSync(join(job, 'shards'), join(work, 'shards', `shard-${i}`), { recursive: true });
    }
    const m = gdsweep(args(expand(mergeLine, 0)), { cwd: work, env: {} });
    // cwd is the work dir: merge reads ./shards and writes ./reports.
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(existsSync(join(work, 'reports', 'seed', 'results.json'))).toBe(true);
    expect(existsSync(join(work, 'reports', 'seed', 'summary.md'))).toBe(true);

    // The previous night: same results, so compare passes.
    cpSync(join(work, 'reports', 'seed'), join(work, 'previous', 'seed'), { recursive: true });
    let c = gdsweep(args(expand(compareLine, 0)), { cwd: work });
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/8 runs compared; \*\*0 regressed\*\*/);
    expect(existsSync(join(work, 'reports', 'seed.compare', 'compare.html'))).toBe(true);
    // --out reports receives the comparison's folder; the merged report stays beside it.
    expect(existsSync(join(work, 'reports', 'seed', 'results.json'))).toBe(true);
    expect(existsSync(join(work, 'reports', 'seed', 'index.html'))).toBe(true);

    // A night where a run regressed: the previous night converged where this one did not.
    const prev = join(work, 'previous', 'seed', 'results.json');
    const doc = JSON.parse(readFileSync(prev, 'utf8'));
    const slow = doc.runs.find((r: { class: string }) => r.class === 'slow');
    // A consistent record of a converged run (compare refuses results that contradict themselves).
    slow.class = 'converged';
    slow.reason = 'within-tolerance';
    slow.convergedAt = slow.epochs;
    slow.grad = 0;
    doc.counts.slow--;
    doc.counts.converged++;
    writeFileSync(prev, JSON.stringify(doc));
    c = gdsweep(args(expand(compareLine, 0)), { cwd: work });
    expect(c.status).toBe(1);
    expect(c.stdout).toMatch(/\*\*1 regressed\*\*/);
    expect(c.stdout).toMatch(/\| converged\/within-tolerance \| slow\/still-descending \| WORSE \|/);
  });
});
