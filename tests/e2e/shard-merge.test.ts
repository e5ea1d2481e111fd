import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir } from '../helpers/cli.js';

// Small enough that the report-included merge stays quick on a loaded machine.
const SWEEP = 'tests/fixtures/sweeps/shardable.yaml';

function shards(n: number): string {
  const root = tempDir();
  for (let i = 1; i <= n; i++) {
    const r = gdsweep(['run', SWEEP, '--out', join(root, `job-${i}`), '--shard', `${i}/${n}`, '--quiet']);
    expect(r.status).toBe(0);
  }
  return root;
}

describe('shard and merge', () => {
  it('shards 1/3, 2/3, 3/3 merged equal the unsharded output byte for byte, report included', () => {
    const root = shards(3);
    const shard1 = JSON.parse(readFileSync(join(root, 'job-1', 'shardable.shard-1-of-3', 'results.json'), 'utf8'));
    expect(shard1.plan.shard).toEqual({ index: 1, count: 3 });
    expect(existsSync(join(root, 'job-1', 'shardable.shard-1-of-3', 'index.html'))).toBe(false);
    // Split by cost: each shard holds about a third of the steps.
    const merged = join(root, 'merged');
    const m = gdsweep(['merge', join(root, 'job-1'), join(root, 'job-2'), join(root, 'job-3'), '--out', merged]);
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(m.stdout).toMatch(/^shardable: merged 180 runs/);
    const whole = tempDir();
    expect(gdsweep(['run', SWEEP, '--out', whole, '--quiet']).status).toBe(0);
    const files = readdirSync(join(whole, 'shardable')).sort();
    expect(readdirSync(join(merged, 'shardable')).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(merged, 'shardable', f)), f).toEqual(readFileSync(join(whole, 'shardable', f)));
  }, 300_000);

  it('balances shards by steps, not by run count', () => {
    const root = tempDir();
    const steps: number[] = [];

    for (const i of [1, 2]) {
      expect(gdsweep(['run', 'tests/fixtures/sweeps/uneven.yaml', '--out', root, '--shard', `${i}/2`, '--quiet']).status).toBe(0);
      const doc = JSON.parse(readFileSync(join(root, `uneven.shard-${i}-of-2`, 'results.json'), 'utf8'));
      const tracks = new Map<string, number>();
      for (const r of doc.runs as { lr: number; schedule: string; epochs: number }[]) {
        // constant: one track per lr costing max(epochs); linear-decay: one track per run costing its epochs.
        const key = r.schedule === 'constant' ? `c/${r.lr}` : `d/${r.lr}/${r.epochs}`;
        tracks.set(key, Math.max(tracks.get(key) ?? 0, r.schedule === 'constant' ? 5000 : r.epochs));
      }
      steps.push([...tracks.values()].reduce((a, b) => a + b, 0));

    }
    expect(steps[0]! + steps[1]!).toBe(20 * 5000 + 20 * (10 + 100 + 5000));
    expect(Math.abs(steps[0]! - steps[1]!)).toBeLessThanOrEqual(5000);
  });

  it('refuses a missing shard, a duplicate and a shard of another plan, writing nothing', () => {
    const root = shards(3);
    const out = join(root, 'merged');
    let r = gdsweep(['merge', join(root, 'job-1'), join(root, 'job-3'), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gdsweep: shardable: missing shard 2/3 (have 1/3, 3/3)\n');

    cpSync(join(root, 'job-1'), join(root, 'copy-of-1'), { recursive: true });
    r = gdsweep(['merge', join(root, 'job-1'), join(root, 'job-2'), join(root, 'job-3'), join(root, 'copy-of-1'), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gdsweep: shardable: shard 1\/3 given twice: .*job-1\/shardable.shard-1-of-3 and .*copy-of-1\/shardable.shard-1-of-3\n$/);
    rmSync(join(root, 'copy-of-1'), { recursive: true });

    // A shard of the same sweep name but another plan (a different tolerance).
    const other = tempDir();
    const changed = join(other, 'shardable.yaml');
    writeFileSync(changed, readFileSync(SWEEP, 'utf8') + 'classify: {tolerance: 1.0e-4}\n');
    expect(gdsweep(['run', changed, '--out', join(other, 'out'), '--shard', '2/3', '--quiet']).status).toBe(0);
    r = gdsweep(['merge', join(root, 'job-1'), join(other, 'out'), join(root, 'job-3'), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/shard of another plan \([0-9a-f]{16}\) than .*job-1\/shardable.shard-1-of-3 \([0-9a-f]{16}\); was the sweep file changed between shards\?/);

    r = gdsweep(['merge', join(root, 'nowhere'), '--out', out]);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a shard whose results repeat a run id (a run would go missing), naming the file and the id', () => {
    const root = tempDir();
    for (const i of [1, 2]) expect(gdsweep(['run', 'sweeps/seed.yaml', '--out', join(root, 'shards'), '--shard', `${i}/2`, '--quiet']).status).toBe(0);
    const shard = join(root, 'shards', 'seed.shard-1-of-2');
    const csvFile = join(shard, 'results.csv');
    const jsonFile = join(shard, 'results.json');
    const csv = readFileSync(csvFile, 'utf8');
    const json = readFileSync(jsonFile, 'utf8');
    const out = join(root, 'merged');
    // The second row claims the first row's id; the second row's own run is then nowhere.
    const lines = csv.split('\n');
    const id0 = (lines[1] as string).split(',')[0] as string;
    lines[2] = [id0, ...(lines[2] as string).split(',').slice(1)].join(',');
    writeFileSync(csvFile, lines.join('\n'));
    let r = gdsweep(['merge', join(root, 'shards'), '--out', out, '--no-report']);
    expect(r.stderr).toBe(`gdsweep: ${csvFile}:3: run id ${id0} is given twice (first at line 2)\n`);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
    // The same in results.json.
    writeFileSync(csvFile, csv);
    const doc = JSON.parse(json);
    doc.runs[1].id = doc.runs[0].id;
    writeFileSync(jsonFile, JSON.stringify(doc));
    r = gdsweep(['merge', join(root, 'shards'), '--out', out, '--no-report']);
    expect(r.stderr).toMatch(new RegExp(`^gdsweep: ${jsonFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: runs\\[1\\]: run id ${doc.runs[0].id} is given twice`));
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
    // Restored, the shards merge.
    writeFileSync(jsonFile, json);
    r = gdsweep(['merge', join(root, 'shards'), '--out', out, '--no-report']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'seed', 'results.json'), 'utf8')).runs).toHaveLength(8);
  });

  it('reads the shard index from GitLab and Kubernetes variables', () => {
    const a = tempDir();
    expect(gdsweep(['run', SWEEP, '--out', a, '--shard', 'auto', '--quiet'], { env: { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' } }).status).toBe(0);
    expect(existsSync(join(a, 'shardable.shard-2-of-3', 'results.json'))).toBe(true);
    const b = tempDir();
    expect(gdsweep(['run', SWEEP, '--out', b, '--shard', '/3', '--quiet'], { env: { JOB_COMPLETION_INDEX: '0' } }).status).toBe(0);
    expect(existsSync(join(b, 'shardable.shard-1-of-3', 'results.json'))).toBe(true);
    const c = gdsweep(['run', SWEEP, '--out', b, '--shard', '4/3']);
    expect(c.status).toBe(2);
    expect(c.stderr).toBe('gdsweep: --shard: index must be 1..3 and count at least 1, got 4/3\n');
  });
});
