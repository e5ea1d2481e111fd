/**
 * Sharding as a pure function of the plan: tracks are dealt to shards by
 * cost (steps), largest first, each to the least-loaded shard (ties to the
 * lowest index), so shards finish at about the same time whatever the mix of
 * epoch budgets. Every machine computes the same split.
 */
import { UserError } from '../errors.js';
import type { Track } from './plan.js';

/** Shards per plan at most: the split keeps a load per shard. */
export const MAX_SHARDS = 65536;

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function shardLabel(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/**
 * `i/n`; `auto` (GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, or a Kubernetes Indexed
 * Job's JOB_COMPLETION_INDEX with GDSWEEP_SHARD_COUNT); or `/n` (the index
 * from those variables, the count given).
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  let index: number;
  let count: number;
  const envIndex = (): number => {
    if (env.CI_NODE_INDEX) return Number(env.CI_NODE_INDEX);
    if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') return Number(env.JOB_COMPLETION_INDEX) + 1;
    throw new UserError(`--shard ${text}: no shard index in the environment (CI_NODE_INDEX or JOB_COMPLETION_INDEX); give --shard i/n`);
  };
  if (text === 'auto') {
    index = envIndex();
    const total = env.CI_NODE_TOTAL ?? env.GDSWEEP_SHARD_COUNT;
    if (!total) throw new UserError(`--shard auto: no shard count in the environment (CI_NODE_TOTAL or GDSWEEP_SHARD_COUNT); give --shard /n`);
    count = Number(total);
  } else {
    const m = /^(\d*)\/(\d+)$/.exec(text);
    if (!m) throw new UserError(`--shard: expected i/n (for example 2/3), /n or auto, got '${text}'`);
    count = Number(m[2]);
    index = m[1] === '' ? envIndex() : Number(m[1]);
  }
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new UserError(`--shard: index must be 1..${count} and count at least 1, got ${index}/${count}`);
  }
  if (count > MAX_SHARDS) throw new UserError(`--shard: at most ${MAX_SHARDS} shards, got ${index}/${count}`);
  return { index, count };
}

/**
 * The tracks of shard `s`, in plan order. The least-loaded shard (ties to
 * the lowest index) is the top of a binary heap of (load, index): the same
 * split as a scan over every shard per track, in log time.
 */
export function shardTracks(tracks: readonly Track[], s: Shard): Track[] {
  if (!Number.isInteger(s.count) || s.count < 1 || s.count > MAX_SHARDS) throw new UserError(`shard count ${s.count}: must be 1..${MAX_SHARDS}`);
  const order = [...tracks].sort((a, b) => b.cost - a.cost || a.index - b.index);
  const n = s.count;
  // heap[i]: a shard index; ordered by (load, index). Loads start at 0, so index order is a heap.
  const heap = Int32Array.from({ length: n }, (_, k) => k);
  const load = new Float64Array(n);
  const less = (a: number, b: number) => (load[a] as number) < (load[b] as number) || ((load[a] as number) === (load[b] as number) && a < b);
  const mine: Track[] = [];
  for (const t of order) {
    const best = heap[0] as number;
    load[best] = (load[best] as number) + Math.max(1, t.cost);
    if (best === s.index - 1) mine.push(t);
    // Sift the grown load down.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && less(heap[l] as number, heap[m] as number)) m = l;
      if (r < n && less(heap[r] as number, heap[m] as number)) m = r;
      if (m === i) break;
      const tmp = heap[i] as number;
      heap[i] = heap[m] as number;
      heap[m] = tmp;
      i = m;
    }
  }
  return mine.sort((a, b) => a.index - b.index);
}
