/**
 * Generated descent kernels. The objective's f' is inlined as JS source and
 * several independent tracks advance in the same loop ("lanes"), so the CPU
 * overlaps their dependency chains instead of waiting on one. One kernel per
 * (objective, schedule, optimizer, lanes), cached by the caller.
 *
 * Every kernel applies, per step t = 0 .. E-1 and per lane:
 *   g = f'(x); note the first t with |g| <= tol; s = step size (schedule);
 *   update x (optimizer); stop the lane when x is not finite or |x| > bound.
 * A trace-recording variant (one lane) shares the exact arithmetic, so the
 * report's trajectories are bit-identical to the classified results.
 */
import type { Optimizer, Schedule } from '../config/types.js';

export interface KernelSpec {
  fSource: string;
  dfSource: string;
  schedule: Schedule;
  optimizer: Optimizer;
}

/** Per-checkpoint output, laid out [track * C + checkpoint]. */
export interface KernelOutput {
  x: Float64Array;
  grad: Float64Array;
  loss: Float64Array;
  /** f' one and two steps before the checkpoint (for "oscillating"). */
  grad1: Float64Array;
  grad2: Float64Array;
  /** First t <= checkpoint with |f'| <= tol, else -1. */
  convergedAt: Int32Array;
  /** t at which the track blew up (<= checkpoint), else -1. */
  divergedAt: Int32Array;
}

export type Kernel = (
  X0: Float64Array,
  LR: Float64Array,
  n: number,
  checkpoints: Int32Array,
  tol: number,
  bound: number,
  out: KernelOutput,
  trace: TraceSink | null,
) => void;

export interface TraceSink {
  every: number;
  xs: number[];
  grads: number[];
  ts: number[];
}

function num(v: number): string {
  return Object.is(v, -0) ? '(-0)' : `(${String(v)})`;
}

/** The state a lane carries besides x, by optimizer. */
function laneState(o: Optimizer): string[] {
  switch (o.kind) {
    case 'gd':
      return [];
    case 'momentum':
    case 'nesterov':
      return ['v'];
    case 'adam':
      return ['m', 'u'];
  }
}

function stepSize(schedule: Schedule, k: number): string {
  switch (schedule) {
    case 'constant':
      return `lr${k}`;
    case 'grad-scaled':
      return `(lr${k} * Math.abs(g${k}))`;
    case 'linear-decay':
      return `(lr${k} * decay)`;
  }
}

function update(o: Optimizer, k: number, s: string): string {
  switch (o.kind) {
    case 'gd':
      return `x${k} = x${k} - ${s} * g${k};`;
    case 'momentum':
      return `v${k} = ${num(o.beta)} * v${k} + g${k}; x${k} = x${k} - ${s} * v${k};`;
    case 'nesterov':
      return `v${k} = ${num(o.beta)} * v${k} + g${k}; x${k} = x${k} - ${s} * (g${k} + ${num(o.beta)} * v${k});`;
    case 'adam':
      return (
        `m${k} = ${num(o.beta1)} * m${k} + ${num(1 - o.beta1)} * g${k}; ` +
        `u${k} = ${num(o.beta2)} * u${k} + ${num(1 - o.beta2)} * (g${k} * g${k}); ` +
        `x${k} = x${k} - ${s} * ((m${k} / bc1) / (Math.sqrt(u${k} / bc2) + ${num(o.eps)}));`
      );
  }
}

function df(spec: KernelSpec, v: string): string {
  return spec.dfSource.replace(/\bx\b/g, v);
}

function f(spec: KernelSpec, v: string): string {
  return spec.fSource.replace(/\bx\b/g, v);
}

/** JS source of a kernel with `lanes` interleaved tracks. */
export function kernelSource(spec: KernelSpec, lanes: number, withTrace: boolean): string {
  const L = withTrace ? 1 : lanes;
  const ks = Array.from({ length: L }, (_, k) => k);
  const state = laneState(spec.optimizer);
  const lines: string[] = [];
  const emit = (s: string) => lines.push(s);
  emit('"use strict";');
  emit('const C = checkpoints.length;');
  emit('const E = C > 0 ? checkpoints[C - 1] : 0;');
  emit(`for (let base = 0; base < n; base += ${L}) {`);
  for (const k of ks) {
    // Lanes past n are padding: they run a copy of the first lane and are not written.
    emit(`  const i${k} = base + ${k} < n ? base + ${k} : base;`);
    emit(`  let x${k} = X0[i${k}]; const lr${k} = LR[i${k}];`);
    emit(`  let g${k} = 0, q1_${k} = NaN, q2_${k} = NaN, c${k} = -1, d${k} = -1, dx${k} = 0;`);
    for (const s of state) emit(`  let ${s}${k} = 0;`);
    emit(`  if (!(Math.abs(x${k}) <= bound)) { d${k} = 0; dx${k} = x${k}; }`);
  }
  emit(`  let alive = ${ks.map((k) => `(d${k} < 0 ? 1 : 0)`).join(' + ')};`);
  if (spec.optimizer.kind === 'adam') emit(`  let p1 = 1, p2 = 1;`);
  emit('  let t = 0;');
  emit('  for (let c = 0; c < C; c++) {');
  emit('    const target = checkpoints[c];');
  if (withTrace) emit('    if (c === 0 && trace) { trace.ts.push(0); trace.xs.push(x0); trace.grads.push(' + df(spec, 'x0') + '); }');
  emit('    for (; t < target && alive > 0; t++) {');
  if (spec.schedule === 'linear-decay') emit('      const decay = 1 - (t + 1) / E;');
  if (spec.optimizer.kind === 'adam') {
    emit(`      p1 = p1 * ${num(spec.optimizer.beta1)}; p2 = p2 * ${num(spec.optimizer.beta2)};`);
    emit('      const bc1 = 1 - p1, bc2 = 1 - p2;');
  }
  for (const k of ks) {
    emit(`      g${k} = ${df(spec, `x${k}`)};`);
    emit(`      if (c${k} < 0 && Math.abs(g${k}) <= tol) c${k} = t;`);
    emit(`      q2_${k} = q1_${k}; q1_${k} = g${k};`);
    emit(`      ${update(spec.optimizer, k, stepSize(spec.schedule, k))}`);
    emit(`      if (!(Math.abs(x${k}) <= bound) && d${k} < 0) { d${k} = t + 1; dx${k} = x${k}; alive--; }`);
  }
  if (withTrace) {
    // A lane that blew up is recorded at its last value, then the loop ends (alive = 0).
    emit('      if (trace && ((t + 1) % trace.every === 0 || t + 1 === E || d0 === t + 1)) { const xt = d0 === t + 1 ? dx0 : x0; trace.ts.push(t + 1); trace.xs.push(xt); trace.grads.push(' + df(spec, 'xt') + '); }');
  }
  emit('    }');
  // Checkpoint: record each real lane.
  for (const k of ks) {
    emit(`    if (base + ${k} < n) {`);
    emit(`      const o = (base + ${k}) * C + c;`);
    emit(`      if (d${k} >= 0) {`);
    emit(`        out.x[o] = dx${k}; out.grad[o] = ${df(spec, `dx${k}`)}; out.loss[o] = ${f(spec, `dx${k}`)};`);
    emit(`        out.grad1[o] = NaN; out.grad2[o] = NaN; out.convergedAt[o] = -1; out.divergedAt[o] = d${k};`);
    emit('      } else {');
    emit(`        const gk = ${df(spec, `x${k}`)};`);
    emit(`        if (c${k} < 0 && Math.abs(gk) <= tol) c${k} = target;`);
    emit(`        out.x[o] = x${k}; out.grad[o] = gk; out.loss[o] = ${f(spec, `x${k}`)};`);
    emit(`        out.grad1[o] = q1_${k}; out.grad2[o] = q2_${k}; out.convergedAt[o] = c${k}; out.divergedAt[o] = -1;`);
    emit('      }');
    emit('    }');
  }
  emit('  }');
  emit('}');
  return lines.join('\n');
}

const cache = new Map<string, Kernel>();

export const DEFAULT_LANES = 4;

export function getKernel(spec: KernelSpec, lanes = DEFAULT_LANES, withTrace = false): Kernel {
  const key = JSON.stringify([spec.fSource, spec.dfSource, spec.schedule, spec.optimizer, lanes, withTrace]);
  let k = cache.get(key);
  if (!k) {
    const src = kernelSource(spec, lanes, withTrace);
    k = new Function('X0', 'LR', 'n', 'checkpoints', 'tol', 'bound', 'out', 'trace', src) as Kernel;
    cache.set(key, k);
  }
  return k;
}
