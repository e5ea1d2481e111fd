#!/usr/bin/env node
// The engine alone: plans a sweep, cuts it into the pool's batches and runs
// them through executeBatch, without process start-up, the CLI or output
// files, so that the engine's own cost is measured (and can be profiled with
// node --cpu-prof).
//
// Single thread (default): variants (lanes:chunk, with ":all" to compute every
// step instead of skipping fixed points, which gives the inner loop's own cost
// per step) run interleaved in one process, so that they share the machine's
// load; CPU time is the process's own.
//   node bench/engine.mjs bench/sweeps/heavy.yaml --variants 8:256,8:256:all --reps 5
//
// --threads N: N fresh worker threads (cold JIT, as the CLI's pool) take
// batches from a shared queue; wall time from the first batch handed out to
// the last result, thread start-up excluded.
//   node bench/engine.mjs bench/sweeps/heavy.yaml --threads 2 --variants 8:256:all
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadSweep } from '../dist/config/load.js';
import { buildPlan } from '../dist/plan/plan.js';
import { compileObjective } from '../dist/objective/objective.js';
import { batchSpec, makeBatches } from '../dist/pool/pool.js';
import { executeBatch } from '../dist/engine/descend.js';
import { DEFAULT_CHUNK, DEFAULT_LANES } from '../dist/engine/kernel.js';

/** The batches of a sweep as the CLI's pool cuts them, with a variant's engine options. */
function specsOf(file, workers, variant) {
  const plan = buildPlan(loadSweep(file));
  const code = compileObjective(plan.config.objective);
  const [lanes, chunk, all] = variant.split(':');
  const batches = makeBatches(plan.tracks, workers);
  const specs = batches.map((b) => ({
    ...batchSpec(plan, code, b, Number(lanes) || DEFAULT_LANES),
    chunk: Number(chunk) || DEFAULT_CHUNK,
    skipFixedPoints: all !== 'all',
  }));
  return { plan, specs };
}

if (!isMainThread) {
  // A worker of --threads: builds the same batches, runs the ones it is handed.
  const { file, workers, variant } = workerData;
  const { specs } = specsOf(file, workers, variant);
  parentPort.on('message', (i) => {
    if (i < 0) process.exit(0);
    const r = executeBatch(specs[i]);
    parentPort.postMessage({ steps: r.steps, computed: r.computedSteps ?? 0 });
  });
  parentPort.postMessage('ready');
} else {
  await main();
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      variants: { type: 'string', default: `${DEFAULT_LANES}:${DEFAULT_CHUNK}` },
      reps: { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      threads: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0] ?? 'bench/sweeps/heavy.yaml';
  const workers = Number(values.workers);
  const log = values.json ? () => {} : console.log;
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

  if (values.threads) {
    const threads = Number(values.threads);
    const variant = values.variants.split(',')[0];
    const walls = [];
    const cpus = [];
    let executed = 0;
    let computed = 0;
    for (let rep = 0; rep < Number(values.reps); rep++) {
      const r = await threaded(file, workers, variant, threads);
      walls.push(r.wall);
      cpus.push(r.cpu);
      executed = r.steps;
      computed = r.computed;
    }
    log(
      `${file}: ${threads} threads, variant ${variant}: wall ms ${walls.map((w) => w.toFixed(0)).join(' ')}, ` +
        `process CPU ms ${cpus.map((w) => w.toFixed(0)).join(' ')}, computed lane-steps ${computed.toExponential(3)}`,
    );
    if (values.json) {
      console.log(JSON.stringify({ file, threads, variant, wallMs: walls, medianWallMs: med(walls), cpuMs: cpus, medianCpuMs: med(cpus), neededSteps: executed, computedLaneSteps: computed }));
    }
    return;
  }

  const variants = values.variants.split(',').map((v) => ({ name: v, ...specsOf(file, workers, v), cpu: [], computed: 0 }));
  const plan = variants[0].plan;
  log(`${file}: ${plan.runCount} runs, ${plan.tracks.length} tracks, ${variants[0].specs.length} batches, planned steps ${plan.totalSteps.toExponential(3)}`);
  let executed = 0;
  for (let rep = 0; rep < Number(values.reps); rep++) {
    for (const v of variants) {
      let steps = 0;
      let computed = 0;
      const c0 = process.cpuUsage();
      for (const s of v.specs) {
        const r = executeBatch(s);
        steps += r.steps;
        computed += r.computedSteps ?? 0;
      }
      const c = process.cpuUsage(c0);
      executed = steps;
      v.computed = computed;
      v.cpu.push((c.user + c.system) / 1e3);
    }
  }
  log(`needed steps ${executed.toExponential(3)} (${((100 * executed) / plan.totalSteps).toFixed(1)} % of planned: tracks that blew up stop there)`);
  for (const v of variants) {
    const ns = (ms) => ((ms * 1e6) / executed).toFixed(3);
    const perComputed = ((med(v.cpu) * 1e6) / v.computed).toFixed(3);
    log(
      `${v.name.padEnd(12)} cpu ms ${v.cpu.map((x) => x.toFixed(0)).join(' ')}  ns/needed step: min ${ns(Math.min(...v.cpu))} median ${ns(med(v.cpu))}` +
        `  computed lane-steps ${v.computed.toExponential(3)} (median ${perComputed} ns each)`,
    );
  }
  if (values.json) {
    const out = variants.map((v) => ({
      variant: v.name,
      cpuMs: v.cpu,
      medianCpuMs: med(v.cpu),
      neededSteps: executed,
      computedLaneSteps: v.computed,
      nsPerNeededStep: (med(v.cpu) * 1e6) / executed,
      nsPerComputedStep: (med(v.cpu) * 1e6) / v.computed,
    }));
    console.log(JSON.stringify({ file, plannedSteps: plan.totalSteps, variants: out }));
  }
}

/** Fresh threads, a shared queue of batch indices; wall from first hand-out to last result. */
async function threaded(file, workers, variant, threads) {
  const { specs } = specsOf(file, workers, variant);
  const pool = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { file, workers, variant } }));
  const exited = Promise.all(pool.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  await Promise.all(pool.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const c0 = process.cpuUsage();
  let next = 0;
  let steps = 0;
  let computed = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    pool.map(
      (w) =>
        new Promise((resolve) => {
          const give = () => {
            if (next < specs.length) w.postMessage(next++);
            else {
              w.postMessage(-1);
              resolve();
            }
          };
          w.on('message', (m) => {
            steps += m.steps;
            computed += m.computed;
            give();
          });
          give();
        }),
    ),
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  await exited;
  return { wall, cpu: (c.user + c.system) / 1e3, steps, computed };
}
