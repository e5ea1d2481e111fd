#!/usr/bin/env node
// npm run bench: gdsweep's workloads through the built CLI, side by side with
// NumPy peers (bench/peer.py), on this machine and in this run. Writes the
// table to bench/RESULTS.md.
//
// Every workload runs as a whole process (`node dist/bin.js run ...`). All
// timed commands run in rounds, taking turns within a round: round 0 warms
// up (file cache), rounds 1..--reps are measured; the median wall time is
// used, and ratios are paired (median over rounds of the same round's ratio),
// so that the swings of a shared machine's load hit both sides alike. Peak
// RSS comes from GNU time (%M). Each run writes to a fresh temporary folder
// (gdsweep skips plans whose results are already there).
//
//   node bench/run.mjs [--reps 3] [--only heavy,course] [--no-peer] [--out bench/RESULTS.md]
//
// --only startup: the start-up rows alone (node -e 0, --version, validate,
// the seed sweep with its report, and the floor), in seconds rather than minutes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    only: { type: 'string' },
    'no-peer': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'bench', 'RESULTS.md') },
  },
});
const REPS = Math.max(1, Number(opts.reps));
const WORKERS = Math.max(1, availableParallelism());
const bin = join(root, 'dist', 'bin.js');
if (!existsSync(bin)) {
  console.error('bench: dist/bin.js is missing; run `npm run build` (npm run bench does it)');
  process.exit(2);
}

// ---------------------------------------------------------------- tools

function sh(cmd, args, options = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', cwd: root, ...options });
}

function gnuTime() {
  const r = sh('/usr/bin/time', ['-f', '%M', '-o', '/dev/null', 'true']);
  return r.status === 0 ? '/usr/bin/time' : null;
}
const TIME = gnuTime();

function pythonNumpy() {
  const r = sh('python3', ['-c', 'import numpy, sys; print(numpy.__version__, sys.version.split()[0])']);
  if (r.error || r.status !== 0) return null;
  const [numpy, python] = r.stdout.trim().split(/\s+/);
  return { numpy, python };
}
const PEER = opts['no-peer'] ? null : pythonNumpy();

/** Runs a command as a whole process: wall seconds, peak RSS in KiB (or null), stdout. */
function measure(cmd, args) {
  let argv = [cmd, ...args];
  let rssFile = null;
  if (TIME) {
    rssFile = join(mkdtempSync(join(tmpdir(), 'gdsweep-bench-rss-')), 'rss');
    argv = [TIME, '-f', '%M', '-o', rssFile, ...argv];
  }
  const t0 = process.hrtime.bigint();
  const r = sh(argv[0], argv.slice(1), { maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    throw new Error(`${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  }
  let rss = null;
  if (rssFile) {
    rss = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rmSync(dirname(rssFile), { recursive: true, force: true });
  }
  return { wall, rss, stdout: r.stdout };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

// ---------------------------------------------------------------- workloads

/** Steps the runs need, from results.csv: per track max(epochs), or the epoch it blew up at. */
async function neededSteps(csvPath) {
  const tracks = new Map();
  let cellSteps = 0;
  let header = null;
  const rl = createInterface({ input: createReadStream(csvPath), crlfDelay: Infinity });
  for await (const line of rl) {
    const cols = line.split(',');
    if (!header) {
      header = Object.fromEntries(cols.map((c, i) => [c, i]));
      continue;
    }
    const epochs = Number(cols[header.epochs]);
    const d = cols[header.divergedAt];
    const key = `${cols[header.start]}|${cols[header.lr]}|${cols[header.schedule]}|${cols[header.optimizer]}`;
    const need = d === '' ? epochs : Number(d);
    // One loop per cell (the course's way) would run each cell up to its epochs or its blow-up.
    cellSteps += need;
    const t = tracks.get(key) ?? { max: 0, blew: Infinity };
    t.max = Math.max(t.max, epochs);
    if (d !== '') t.blew = Math.min(t.blew, Number(d));
    tracks.set(key, t);
  }
  let steps = 0;
  for (const t of tracks.values()) steps += Math.min(t.max, t.blew);
  return { steps, cellSteps, tracks: tracks.size };
}

/** The class counts near the top of results.json (without parsing the whole file). */
function countsOf(jsonPath) {
  const fd = openSync(jsonPath, 'r');
  const buf = Buffer.alloc(64 * 1024);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const m = /"counts":(\{[^}]*\})/.exec(buf.subarray(0, n).toString('utf8'));
  return m ? JSON.parse(m[1]) : null;
}

const HEAVY_PEER = { objective: 'quadratic', lr: { geomspace: [1e-4, 1, 2000] }, epochs: [10000, 50000, 100000, 200000], start: 2 };
const WORKLOADS = [
  { id: 'floor', sweep: 'bench/sweeps/floor.yaml', workers: WORKERS, report: false, what: '1 run of 1 step: start-up, plan, pool, results' },
  { id: 'heavy', sweep: 'bench/sweeps/heavy.yaml', workers: WORKERS, report: false, what: 'quadratic, 2,000 lr x epochs up to 200,000', peer: HEAVY_PEER },
  { id: 'heavy-1-worker', sweep: 'bench/sweeps/heavy.yaml', workers: 1, report: false, what: 'heavy with --workers 1' },
  {
    id: 'heavy-8-epochs',
    sweep: 'bench/sweeps/heavy-8-epochs.yaml',
    workers: WORKERS,
    report: false,
    what: 'heavy with 8 epoch values (same max)',
  },
  {
    id: 'course',
    sweep: 'bench/sweeps/course.yaml',
    workers: WORKERS,
    report: false,
    what: 'sin(x) exp(-0.05 x^2), 2,000 lr x epochs up to 50,000',
    peer: { objective: 'course', lr: { geomspace: [1e-4, 1, 2000] }, epochs: [10000, 50000], start: 2 },
  },
  {
    id: 'wide',
    sweep: 'bench/sweeps/wide.yaml',
    workers: WORKERS,
    report: false,
    what: '1,000 lr x 1,000 epoch values up to 10,000 (1e6 runs), results written',
    peer: { objective: 'quadratic', lr: { geomspace: [1e-4, 1, 1000] }, epochs: { linspace: [10, 10000, 1000] }, start: 2 },
  },
  { id: 'report', sweep: 'sweeps/seed.yaml', workers: WORKERS, report: true, what: 'the seed sweep with its full report (HTML, PNG, summary)' },
  {
    id: 'grid-1000x20',
    sweep: 'bench/sweeps/grid-1000x20.yaml',
    workers: WORKERS,
    report: false,
    what: '1,000 lr x 20 epoch values up to 10,000',
    peer: { objective: 'quadratic', lr: { geomspace: [1e-4, 1, 1000] }, epochs: { linspace: [500, 10000, 20] }, start: 2 },
  },
  { id: 'grid-1000x20-1-worker', sweep: 'bench/sweeps/grid-1000x20.yaml', workers: 1, report: false, what: 'grid-1000x20 with --workers 1' },
];
/** The course's loop, on every `lr_sample`-th learning rate with the workload's own epochs, extrapolated. */
const LOOP_SAMPLES = {
  heavy: { ...HEAVY_PEER, lr: { geomspace: [1e-4, 1, 2000] }, epochs: [1000, 5000], lr_sample: 400 },
  course: { objective: 'course', lr: { geomspace: [1e-4, 1, 2000] }, epochs: [1000, 2000], lr_sample: 400, start: 2 },
  wide: { objective: 'quadratic', lr: { geomspace: [1e-4, 1, 1000] }, epochs: [1000, 5000], lr_sample: 200, start: 2 },
  'grid-1000x20': { objective: 'quadratic', lr: { geomspace: [1e-4, 1, 1000] }, epochs: [1000, 5000], lr_sample: 200, start: 2 },
};

/**
 * How many cores this process really gets now: WORKERS threads spin for 1 s;
 * process CPU time / wall time. Other processes on a shared machine take the rest.
 */
function coresAvailable() {
  const code = `
    const { Worker } = require('node:worker_threads');
    const spin = 'const t = Date.now(); let s = 0; while (Date.now() - t < 1000) for (let i = 0; i < 1e5; i++) s += i; require("node:worker_threads").parentPort.postMessage(s);';
    const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint(); let n = 0;
    for (let i = 0; i < ${WORKERS}; i++) new Worker(spin, { eval: true }).on('message', () => {
      if (++n < ${WORKERS}) return;
      const c = process.cpuUsage(c0); const wall = Number(process.hrtime.bigint() - t0) / 1e3;
      console.log(((c.user + c.system) / wall).toFixed(2)); process.exit(0);
    });`;
  const r = sh(process.execPath, ['-e', code]);
  return Number(r.stdout.trim());
}

const only = opts.only ? new Set(opts.only.split(',')) : null;
const STARTUP = !only || only.has('startup');
const selected = WORKLOADS.filter((w) => !only || only.has(w.id) || w.id === 'floor' || (STARTUP && w.id === 'report'));

// ---------------------------------------------------------------- run

const loadStart = loadavg();
const coresStart = coresAvailable();
const started = new Date();
console.error(
  `bench: ${selected.length} workloads, warm-up + ${REPS} runs each, ${WORKERS} workers; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}; ` +
    `${coresStart.toFixed(2)} of ${WORKERS} cores free`,
);
if (!TIME) console.error('bench: GNU time (/usr/bin/time) not found: peak RSS is not measured');
if (!PEER) console.error(opts['no-peer'] ? 'bench: --no-peer: NumPy peers skipped' : 'bench: python3 with numpy not found: NumPy peers skipped');

// Every timed command runs in rounds: round 0 warms up, rounds 1..REPS are measured, and
// within a round the commands take turns, so that a shared machine's load swings hit all
// of them alike; ratios are also taken per round (paired) and then their median.
const jobs = [];
const job = (key, label, prepare, value) => jobs.push({ key, label, prepare, value, walls: [], values: [], rsss: [], last: null });
job('node', 'node -e 0', () => ({ cmd: process.execPath, args: ['-e', '0'] }));
if (!only || only.has('floor') || STARTUP) job('version', 'gdsweep --version', () => ({ cmd: process.execPath, args: [bin, '--version'] }));
if (!only || only.has('floor')) job('plan', 'gdsweep plan heavy', () => ({ cmd: process.execPath, args: [bin, 'plan', 'bench/sweeps/heavy.yaml'] }));
if (STARTUP) job('validate', 'gdsweep validate seed', () => ({ cmd: process.execPath, args: [bin, 'validate', 'sweeps/seed.yaml'] }));
for (const w of selected) {
  job(`cli:${w.id}`, w.id, () => {
    const out = mkdtempSync(join(tmpdir(), 'gdsweep-bench-'));
    const args = [bin, 'run', w.sweep, '--out', out, '--quiet', '--workers', String(w.workers)];
    if (!w.report) args.push('--no-report');
    return { cmd: process.execPath, args, out };
  });
  if (PEER && w.peer) job(`numpy:${w.id}`, `numpy ${w.id}`, () => ({ cmd: 'python3', args: [join(root, 'bench', 'peer.py'), 'vector', JSON.stringify(w.peer)] }));
}
// Engine alone on fresh threads (cold JIT, as the CLI's workers): how it scales without the fixed costs.
const heavy = selected.find((w) => w.id === 'heavy');
if (heavy) {
  for (const variant of ['8:256', '8:256:all']) {
    for (const threads of [1, WORKERS]) {
      job(
        `threads:${variant}:${threads}`,
        `engine heavy ${threads} thread(s) ${variant}`,
        () => ({ cmd: process.execPath, args: ['bench/engine.mjs', heavy.sweep, '--threads', String(threads), '--variants', variant, '--reps', '1', '--workers', String(WORKERS), '--json'] }),
        (stdout) => JSON.parse(stdout.trim().split('\n').pop()),
      );
    }
  }
}

for (let round = 0; round <= REPS; round++) {
  for (const j of jobs) {
    const { cmd, args, out } = j.prepare();
    try {
      const m = measure(cmd, args);
      if (round > 0) {
        j.walls.push(m.wall);
        if (m.rss !== null) j.rsss.push(m.rss);
        if (j.value) j.values.push(j.value(m.stdout));
      }
      if (j.last?.out) rmSync(j.last.out, { recursive: true, force: true });
      j.last = { ...m, out };
      process.stderr.write(`  ${j.label}: ${round === 0 ? 'warm-up' : `round ${round}/${REPS}`} ${m.wall.toFixed(2)} s\n`);
    } catch (err) {
      if (out) rmSync(out, { recursive: true, force: true });
      throw err;
    }
  }
}

function summary(j) {
  const sorted = [...j.walls].sort((a, b) => a - b);
  return { walls: j.walls, median: median(j.walls), min: sorted[0], max: sorted[sorted.length - 1], rss: j.rsss.length ? Math.max(...j.rsss) : null, last: j.last };
}
const byKey = new Map(jobs.map((j) => [j.key, j]));
/** Median over rounds of a's wall / b's wall. */
function paired(a, b) {
  const ja = byKey.get(a);
  const jb = byKey.get(b);
  if (!ja || !jb) return null;
  return median(ja.walls.map((w, i) => w / jb.walls[i]));
}

const nodeStart = summary(byKey.get('node'));
const results = {};
for (const w of selected) {
  const j = byKey.get(`cli:${w.id}`);
  results[w.id] = { ...w, ...summary(j) };
  // Steps and class counts from the last round's results.
  const name = readFileSync(join(root, w.sweep), 'utf8').match(/^name:\s*(\S+)/m)?.[1] ?? '';
  const dir = join(j.last.out, name);
  if (existsSync(join(dir, 'results.csv'))) {
    results[w.id].need = await neededSteps(join(dir, 'results.csv'));
    results[w.id].counts = countsOf(join(dir, 'results.json'));
  }
  rmSync(j.last.out, { recursive: true, force: true });
}
const fixed = {};
if (byKey.has('version')) fixed.version = summary(byKey.get('version'));
if (byKey.has('plan')) fixed.plan = summary(byKey.get('plan'));
if (byKey.has('validate')) fixed.validate = summary(byKey.get('validate'));
const scaling = [];
for (const j of jobs) {
  if (!j.key.startsWith('threads:')) continue;
  const last = j.values[j.values.length - 1];
  scaling.push({ ...last, wallMs: j.values.map((v) => v.medianWallMs), medianWallMs: median(j.values.map((v) => v.medianWallMs)) });
}

// Engine alone, in process (no start-up, no output): the inner loop's cost per step.
const engine = {};
for (const id of ['heavy', 'heavy-8-epochs', 'course']) {
  if (!results[id]) continue;
  process.stderr.write(`  engine ${id}: in process\n`);
  const r = sh(process.execPath, ['bench/engine.mjs', results[id].sweep, '--json', '--reps', String(REPS + 1), '--variants', '8:256,8:256:all', '--workers', String(WORKERS)]);
  if (r.status === 0) engine[id] = JSON.parse(r.stdout.trim().split('\n').pop());
  else console.error(`bench: engine ${id} failed: ${r.stderr}`);
}

const peers = {};
if (PEER) {
  for (const w of selected) {
    if (!w.peer) continue;
    const j = byKey.get(`numpy:${w.id}`);
    const vec = summary(j);
    peers[w.id] = { vector: vec, inner: JSON.parse(j.last.stdout.trim().split('\n').pop()) };
    const sample = LOOP_SAMPLES[w.id];
    if (sample) {
      const loop = measure('python3', [join(root, 'bench', 'peer.py'), 'loop', JSON.stringify(sample)]);
      peers[w.id].loop = JSON.parse(loop.stdout.trim().split('\n').pop());
      process.stderr.write(`  numpy loop ${w.id}: ${peers[w.id].loop.ns_per_step.toFixed(0)} ns/step on a sample\n`);
    }
  }
}
const loadEnd = loadavg();
const coresEnd = coresAvailable();

// ---------------------------------------------------------------- report

const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const mib = (kib) => (kib === null ? '-' : (kib / 1024).toFixed(0));
const floor = results.floor?.median ?? 0;

function cpuModel() {
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {}
  return cpus()[0]?.model ?? 'unknown';
}
const commit = sh('git', ['rev-parse', '--short', 'HEAD']).stdout.trim() || 'unknown';
const dirty = sh('git', ['status', '--porcelain', '--', 'src', 'bench', 'package.json']).stdout.trim() ? ' (with uncommitted changes)' : '';

const rows = [];
rows.push('| workload | what | workers | median wall s (min-max) | peak RSS MiB | steps needed | steps/s | ns/step/worker | ns/step/worker above floor | NumPy vectorised wall s | gdsweep / NumPy (paired) |');
rows.push('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of Object.values(results)) {
  const steps = r.id === 'floor' ? null : (r.need?.steps ?? null);
  const nsWorker = steps ? (r.median * r.workers * 1e9) / steps : null;
  const nsAbove = steps && r.id !== 'floor' ? (Math.max(0, r.median - floor) * r.workers * 1e9) / steps : null;
  const p = peers[r.id];
  rows.push(
    `| ${r.id} | ${r.what} | ${r.workers} | ${fmt(r.median)} (${fmt(r.min)}-${fmt(r.max)}) | ${mib(r.rss)} | ${steps ? steps.toExponential(2) : '-'} | ` +
      `${steps ? (steps / r.median).toExponential(2) : '-'} | ${fmt(nsWorker)} | ${fmt(nsAbove)} | ${p ? fmt(p.vector.median) : '-'} | ${p ? fmt(paired(`cli:${r.id}`, `numpy:${r.id}`), 3) : '-'} |`,
  );
}

const peerRows = [];
if (PEER) {
  peerRows.push('| workload | NumPy vectorised: median wall s (compute s) | peak RSS MiB | ns/step | classes agree with gdsweep | course-style loop: ns/step (sample) | loop, extrapolated to the grid s | gdsweep / loop |');
  peerRows.push('|---|---|---|---|---|---|---|---|');
  for (const [id, p] of Object.entries(peers)) {
    const r = results[id];
    const agree = p.inner && r.counts ? JSON.stringify(p.inner.counts) === JSON.stringify(r.counts) : null;
    const loopWall = p.loop && r.need ? (p.loop.ns_per_step * r.need.cellSteps) / 1e9 : null;
    peerRows.push(
      `| ${id} | ${fmt(p.vector.median)} (${fmt(p.inner?.seconds)}) | ${mib(p.vector.rss)} | ${p.inner ? fmt((p.inner.seconds * 1e9) / p.inner.steps) : '-'} | ` +
        `${agree === null ? '-' : agree ? 'yes' : `no: ${JSON.stringify(p.inner.counts)} vs ${JSON.stringify(r.counts)}`} | ` +
        `${p.loop ? `${fmt(p.loop.ns_per_step, 0)} (${p.loop.steps} steps)` : '-'} | ${fmt(loopWall, 0)} | ${loopWall ? r.median / loopWall < 0.001 ? (r.median / loopWall).toExponential(1) : fmt(r.median / loopWall, 4) : '-'} |`,
    );
  }
}

const engineRows = [];
if (Object.keys(engine).length) {
  engineRows.push('| workload | fixed points | CPU ms (median) | lane-steps computed | ns per computed lane-step | ns per needed step |');
  engineRows.push('|---|---|---|---|---|---|');
  for (const [id, e] of Object.entries(engine)) {
    for (const v of e.variants) {
      engineRows.push(
        `| ${id} | ${v.variant.endsWith(':all') ? 'computed (every step)' : 'skipped'} | ${fmt(v.medianCpuMs, 0)} | ${v.computedLaneSteps.toExponential(2)} | ${fmt(v.nsPerComputedStep, 3)} | ${fmt(v.nsPerNeededStep, 3)} |`,
      );
    }
  }
}

const fixedRows = [];
if (fixed.plan) {
  fixedRows.push('| command | median wall s | peak RSS MiB |');
  fixedRows.push('|---|---|---|');
  fixedRows.push(`| node -e 0 (node itself) | ${fmt(nodeStart.median)} | ${mib(nodeStart.rss)} |`);
  fixedRows.push(`| gdsweep --version | ${fmt(fixed.version.median)} | ${mib(fixed.version.rss)} |`);
  fixedRows.push(`| gdsweep plan bench/sweeps/heavy.yaml (load, parse, derive, plan) | ${fmt(fixed.plan.median)} | ${mib(fixed.plan.rss)} |`);
  if (results.floor) fixedRows.push(`| gdsweep run floor.yaml --no-report (the above, plus pool, 1 step, results) | ${fmt(results.floor.median)} | ${mib(results.floor.rss)} |`);
}

// What a user waits for before anything happens: whole processes, beside node itself.
const startupRows = [];
if (STARTUP) {
  const row = (label, key, s) => `| ${label} | ${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)}) | ${fmt(paired(key, 'node'))} | ${mib(s.rss)} |`;
  startupRows.push('| command | median wall s (min-max) | x node -e 0 (paired) | peak RSS MiB |');
  startupRows.push('|---|---|---|---|');
  startupRows.push(row('node -e 0 (node itself)', 'node', nodeStart));
  startupRows.push(row('gdsweep --version', 'version', fixed.version));
  startupRows.push(row('gdsweep validate sweeps/seed.yaml', 'validate', fixed.validate));
  if (results.floor) startupRows.push(row('gdsweep run floor.yaml --no-report', 'cli:floor', results.floor));
  if (results.report) startupRows.push(row('gdsweep run sweeps/seed.yaml (the full report)', 'cli:report', results.report));
}

const scalingRows = [];
if (scaling.length) {
  scalingRows.push('| fixed points | threads | median wall ms | lane-steps computed | speed-up |');
  scalingRows.push('|---|---|---|---|---|');
  for (const r of scaling) {
    const one = scaling.find((o) => o.variant === r.variant && o.threads === 1);
    scalingRows.push(
      `| ${r.variant.endsWith(':all') ? 'computed (every step)' : 'skipped'} | ${r.threads} | ${fmt(r.medianWallMs, 0)} | ${r.computedLaneSteps.toExponential(2)} | ${one ? fmt(median(one.wallMs.map((w, i) => w / r.wallMs[i]))) + ' x' : '-'} |`,
    );
  }
}

// Targets from the issue (bench figures, not test assertions).
const targets = [];
const R = results;
const P = (id) => peers[id]?.vector.median;
const needed = (id) => R[id]?.need?.steps;
function target(name, ok, detail) {
  if (ok === null) targets.push(`| ${name} | not measured | ${detail} |`);
  else targets.push(`| ${name} | ${ok ? 'met' : 'missed'} | ${detail} |`);
}
if (R.heavy) {
  const ns = (R.heavy.median * R.heavy.workers * 1e9) / needed('heavy');
  const above = R.heavy.median - floor;
  const nsAbove = above > 0 ? (above * R.heavy.workers * 1e9) / needed('heavy') : null;
  const inner = engine.heavy?.variants.find((v) => v.variant.endsWith(':all'))?.nsPerComputedStep;
  target('heavy: <= 1.0 ns per step per worker', ns <= 1.0, `${fmt(ns)} ns end to end (wall x workers / needed steps); ${nsAbove === null ? 'within the floor (no measurable time above it)' : `${fmt(nsAbove)} ns above the floor`}; inner loop computing every step: ${fmt(inner, 3)} ns`);
  const q = paired('cli:heavy', 'numpy:heavy');
  target('heavy: wall <= 0.3 x NumPy vectorised', q === null ? null : q <= 0.3, q === null ? 'no NumPy' : `${fmt(R.heavy.median)} s vs ${fmt(P('heavy'))} s (medians); paired per round: ${fmt(q, 3)}`);
}
if (R.course) {
  const q = paired('cli:course', 'numpy:course');
  target('course: wall <= 0.5 x NumPy vectorised', q === null ? null : q <= 0.5, q === null ? 'no NumPy' : `${fmt(R.course.median)} s vs ${fmt(P('course'))} s (medians); paired per round: ${fmt(q, 3)}`);
}
if (R.heavy && R['heavy-1-worker']) {
  const s = paired('cli:heavy-1-worker', 'cli:heavy');
  const a1 = R['heavy-1-worker'].median - floor;
  const a2 = R.heavy.median - floor;
  const sAbove = a1 > 0 && a2 > 0 ? a1 / a2 : null;
  const eng = (v) => {
    const one = scaling.find((r) => r.variant === v && r.threads === 1);
    const many = scaling.find((r) => r.variant === v && r.threads === WORKERS);
    return one && many ? median(one.wallMs.map((w, i) => w / many.wallMs[i])) : null;
  };
  const engAll = eng('8:256:all');
  const engSkip = eng('8:256');
  target(
    `heavy: ${WORKERS} workers >= 1.8 x faster than 1`,
    s >= 1.8,
    `${fmt(R['heavy-1-worker'].median)} s vs ${fmt(R.heavy.median)} s (medians), paired per round ${fmt(s)} x end to end; ${fmt(sAbove)} x above the floor (${fmt(floor)} s); ` +
      `engine alone on fresh threads: ${fmt(engSkip)} x (fixed points skipped), ${fmt(engAll)} x (every step computed)`,
  );
}
if (R.heavy && R['heavy-8-epochs']) {
  const d = paired('cli:heavy-8-epochs', 'cli:heavy') - 1;
  const e8 = engine['heavy-8-epochs']?.variants;
  const e4 = engine.heavy?.variants;
  const eng = e8 && e4 ? e8.map((v, i) => `${v.variant.endsWith(':all') ? 'every step' : 'fixed points skipped'} ${fmt(100 * (v.medianCpuMs / e4[i].medianCpuMs - 1), 1)} %`).join(', ') : '-';
  target(
    'heavy: twice the epoch values, same max: <= 10 % more time',
    d <= 0.1,
    `${fmt(R['heavy-8-epochs'].median)} s vs ${fmt(R.heavy.median)} s (medians); paired per round ${d >= 0 ? '+' : ''}${fmt(100 * d, 1)} % end to end; engine alone (CPU): ${eng}`,
  );
}
if (R.wide) target('wide: < 5 s end to end with results written, peak RSS < 1 GiB', R.wide.median < 5 && (R.wide.rss === null || R.wide.rss < 1024 * 1024), `${fmt(R.wide.median)} s, ${mib(R.wide.rss)} MiB`);
if (R.report) target('report: the seed sweep full report < 2 s end to end', R.report.median < 2, `${fmt(R.report.median)} s`);
if (STARTUP && fixed.validate) {
  const q = paired('validate', 'node');
  target('start-up: validate seed <= 0.15 s (<= 3 x node -e 0)', fixed.validate.median <= 0.15 || q <= 3, `${fmt(fixed.validate.median)} s; ${fmt(q)} x node -e 0 (${fmt(nodeStart.median)} s), paired`);
  const v = paired('version', 'node');
  target('start-up: --version near node -e 0 (<= 1.5 x)', v <= 1.5, `${fmt(fixed.version.median)} s; ${fmt(v)} x node -e 0, paired`);
  if (R.report) target('start-up: the seed sweep with its full report <= 0.8 s', R.report.median <= 0.8, `${fmt(R.report.median)} s; ${fmt(paired('cli:report', 'node'))} x node -e 0, paired`);
}

const machine = [
  `- machine: ${cpuModel()}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  `- date: ${started.toISOString()}`,
  `- commit: ${commit}${dirty}`,
  `- node ${process.version}${PEER ? `, python ${PEER.python}, numpy ${PEER.numpy}` : ', no python3/numpy: peers skipped'}`,
  `- load average (1, 5, 15 min) at start: ${loadStart.map((l) => l.toFixed(2)).join(', ')}; at end: ${loadEnd.map((l) => l.toFixed(2)).join(', ')}`,
  `- cores this process got (${WORKERS} threads spinning 1 s: CPU time / wall): ${fmt(coresStart)} at start, ${fmt(coresEnd)} at end` +
    (Math.min(coresStart, coresEnd) < WORKERS - 0.5 ? ' (a shared, busy machine: parallel speed-ups cannot show)' : ''),
  `- protocol: ${REPS + 1} rounds, the first a warm-up; in each round every command below runs once, in turn (so load swings hit all alike); ` +
    `median wall of whole processes over the measured rounds; ratios "paired": the median over rounds of the two commands' ratio in the same round; workers = ${WORKERS} unless named`,
].join('\n');

const md = `# gdsweep benchmarks

Written by \`npm run bench\` (bench/run.mjs). Numbers from one run on one machine;
compare rows of the same run only.

${machine}

## Workloads through the CLI

\`node dist/bin.js run <sweep> --out <tmp> --quiet --workers N\`, with \`--no-report\`
except for *report*. *Steps needed*: per track, max(epochs), or the epoch at which it
blew up (the engine stops it there); counted from results.csv. *ns/step/worker*:
wall x workers / steps needed, start-up included. *Above floor*: the same after
subtracting the *floor* workload's wall (start-up, loading, planning, pool, writing
for a one-step sweep).

${rows.join('\n')}

## NumPy peers (bench/peer.py)

*Vectorised*: one pass of max(epochs) iterations over all learning rates at once,
in-place ufuncs, x recorded at every epoch budget, the same classification inputs
(first epoch within tolerance, first epoch past the bound, f' one and two steps
back), tracks that blew up dropped; whole process (python start-up and numpy
import included), median of the measured rounds, run in turn with the CLI workloads. *Classes agree*: its class
counts equal gdsweep's. *Course-style loop*: the lesson's code, one Python loop per
(learning rate, epochs) cell on a 1-element array, run on a sample of the grid
(every k-th learning rate, shorter epoch budgets); its measured cost per step is
**extrapolated** to the grid's cells (each cell runs to its epochs or its blow-up).

${peerRows.length ? peerRows.join('\n') : 'Skipped: python3 with numpy is not available here.'}

## Start-up

Whole processes a person waits on, from a cold \`node\` to exit, beside \`node -e 0\`
run in the same rounds (\`npm run bench -- --only startup\` runs these alone).

${startupRows.length ? startupRows.join('\n') : '-'}

## Fixed costs

What every \`gdsweep run\` pays before and after the descent, whatever the sweep's size.

${fixedRows.length ? fixedRows.join('\n') : '-'}

## Engine alone (bench/engine.mjs)

The same sweeps cut into the pool's batches and run through \`executeBatch\` in one
process, without start-up or output: CPU time of all batches (one thread). *Lane-steps
computed*: steps the kernel really ran (8 lanes per group, padding included);
with fixed points *skipped*, groups whose every lane sits at an exact fixed point
(a step changes no bit) or on an exact two-step cycle jump to the last steps before
the next epoch budget; *computed* runs every step, which is the inner loop's own cost.

${engineRows.length ? engineRows.join('\n') : '-'}

On fresh worker threads (cold JIT, as in the CLI's pool; thread start-up and module
loading excluded), batches from a shared queue, heavy:

${scalingRows.length ? scalingRows.join('\n') : '-'}

## Targets (from the issue; bench figures, not test assertions)

| target | | measured |
|---|---|---|
${targets.join('\n')}
`;

writeFileSync(opts.out, md);
console.log(md);
console.error(`bench: wrote ${opts.out}`);
