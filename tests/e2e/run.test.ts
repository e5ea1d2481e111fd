import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdsweep, tempDir, ROOT } from '../helpers/cli.js';

interface Run {
  id: number;
  lr: number;
  epochs: number;
  start: number;
  x: number | null;
  class: string;
  reason: string;
  convergedAt: number | null;
  divergedAt: number | null;
}

function results(dir: string): { runs: Run[]; counts: Record<string, number>; plan: { hash: string; runs: number; steps: number } } {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
}

describe('gdsweep run (built binary)', () => {
  it('runs the seed sweep into <out>/seed with the lesson\'s numbers', () => {
    const out = tempDir();
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    const doc = results(join(out, 'seed'));
    expect(doc.counts).toEqual({ converged: 3, slow: 3, divergent: 2 });
    const by = (lr: number, epochs: number) => doc.runs.find((x) => x.lr === lr && x.epochs === epochs) as Run;
    expect(by(1, 100)).toMatchObject({ class: 'divergent', reason: 'loss-increased', divergedAt: null });
    expect((by(1, 100).x as number) / 1.18e70).toBeCloseTo(1, 2);
    expect(by(0.001, 100)).toMatchObject({ class: 'slow', reason: 'still-descending' });
    expect(by(0.01, 1000)).toMatchObject({ class: 'converged', convergedAt: 148 });
    expect(by(0.1, 100)).toMatchObject({ class: 'converged', convergedAt: 10 });
    const csv = readFileSync(join(out, 'seed', 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,lr,epochs,start,schedule,optimizer,x,grad,loss,class,reason,convergedAt,divergedAt');
    expect(csv.length).toBe(9);
    expect(csv[1]).toMatch(/^0,1,100,2,constant,gd,1\.18329\d+e\+70,.*,divergent,loss-increased,,$/);
    // stdout carries the table a user reads.
    expect(r.stdout).toMatch(/seed: 8 runs \(3 converged, 3 slow, 2 divergent\)/);
    // No host path or temporary name leaks into the outputs.
    const json = readFileSync(join(out, 'seed', 'results.json'), 'utf8');
    expect(json).not.toContain(out);
    expect(json).not.toContain(ROOT);
    expect(readdirSync(out)).toEqual(['seed']);
  });

  it('gives the same bytes for the same input, whatever the worker count', () => {
    const a = tempDir();
    const b = tempDir();
    expect(gdsweep(['run', 'tests/fixtures/sweeps/small.yaml', '--out', a, '--workers', '1', '--no-report', '--quiet']).status).toBe(0);
    expect(gdsweep(['run', 'tests/fixtures/sweeps/small.yaml', '--out', b, '--workers', '2', '--no-report', '--quiet']).status).toBe(0);
    for (const f of ['results.json', 'results.csv']) {
      expect(readFileSync(join(a, 'small', f))).toEqual(readFileSync(join(b, 'small', f)));
    }
    const doc = results(join(a, 'small'));
    expect(doc.plan.runs).toBe(2 * 7 * 4);
    expect(doc.runs.map((r) => r.id)).toEqual(Array.from({ length: 56 }, (_, i) => i));
    // geomspace(0.001, 1, 7) includes 1 exactly; lr = 1 blows past 1e6 at t = 9 from x0 = 2.
    expect(doc.runs.find((r) => r.lr === 1 && r.start === 2 && r.epochs === 1000)).toMatchObject({ class: 'divergent', reason: 'blew-up', divergedAt: 9 });
    // Epochs 0 classify the start.
    expect(doc.runs.filter((r) => r.epochs === 0).every((r) => r.class === 'slow')).toBe(true);
  });

  it('--fail-on divergent exits 1 after writing the results', () => {
    const out = tempDir();
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--no-report', '--quiet', '--fail-on', 'divergent']);
    expect(r.status).toBe(1);
    expect(existsSync(join(out, 'seed', 'results.json'))).toBe(true);
  });

  it('refuses a plan above --max-steps with exit 2 and writes nothing', () => {
    const out = tempDir();
    const r = gdsweep(['run', 'sweeps/seed.yaml', '--out', out, '--max-steps', '1000']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gdsweep: sweeps/seed.yaml: the plan needs 4000 steps, more than the limit of 1000 (raise it with --max-steps)\n');
    expect(readdirSync(out)).toEqual([]);
  });

  it('a worker that dies gives one clear error naming the runs, a non-zero exit and no output', () => {
    const out = tempDir();
    const r = gdsweep(['run', 'tests/fixtures/sweeps/small.yaml', '--out', out, '--workers', '2'], { env: { GDSWEEP_TEST_FAULT: 'exit:30' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^gdsweep: a worker failed while running runs \d+\.\.\d+ \(first: lr=[\d.e-]+, start=-?[\d.]+, schedule=constant, optimizer=gd\): .+\n$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // No output folder; only the journal of finished batches, kept for the rerun.
    expect(readdirSync(out)).toEqual(['.small.journal']);
  });

  it('a worker that throws is reported the same way', () => {
    const out = tempDir();
    const r = gdsweep(['run', 'tests/fixtures/sweeps/small.yaml', '--out', out], { env: { GDSWEEP_TEST_FAULT: 'throw:3' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/a worker failed while running runs 0\.\.\d+ .*injected fault at run 3/);
    expect(readdirSync(out).filter((f) => !f.endsWith('.journal'))).toEqual([]);
  });
});

describe('gdsweep plan / validate / schema', () => {
  it('plan prints runs, tracks and steps without running', () => {
    const r = gdsweep(['plan', 'sweeps/seed.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/runs\s+8\n/);
    expect(r.stdout).toMatch(/tracks\s+4 \(4 shared across epoch values\)/);
    expect(r.stdout).toMatch(/steps\s+4,000 \(one trajectory per run would take 4,400\)/);
    const j = JSON.parse(gdsweep(['plan', 'sweeps/seed.yaml', '--json']).stdout);
    expect(j).toMatchObject({ name: 'seed', runs: 8, tracks: 4, steps: 4000 });
  });

  it('validate exits 0 on good files', () => {
    const r = gdsweep(['validate', 'sweeps/seed.yaml', 'tests/fixtures/sweeps/small.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('sweeps/seed.yaml: ok (8 runs, 4 tracks, 4,000 steps)');
  });

  it('schema prints the committed sweeps/sweep.schema.json', () => {
    const r = gdsweep(['schema']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'sweeps/sweep.schema.json'), 'utf8'));
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'objective', 'starts', 'learning_rate', 'epochs']));
  });

  it('usage errors exit 2 with one message', () => {
    const r = gdsweep(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gdsweep: unknown command 'frobnicate'/);
    expect(gdsweep(['run']).status).toBe(2);
    expect(gdsweep(['run', 'sweeps/seed.yaml', '--workers', '0']).status).toBe(2);
  });
});
