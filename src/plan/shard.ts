/**
 * Sharding as a pure function of the plan: tracks are dealt to shards by
 * cost (steps), largest first, each to the least-loaded shard (ties to the
 * lowest index), so shards finish at about the same time whatever the mix of
 * epoch budgets. Every machine computes the same split.
 */
import { UserError } from '../errors.js';
import type { Track } from './plan.js';

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
  return { index, count };
}

/** The tracks of shard `s`, in plan order. */
export function shardTracks(tracks: readonly Track[], s: Shard): Track[] {
  const order = [...tracks].sort((a, b) => b.cost - a.cost || a.index - b.index);
  const load = new Array<number>(s.count).fill(0);
  const mine: Track[] = [];
  for (const t of order) {
    let best = 0;
    for (let k = 1; k < s.count; k++) if ((load[k] as number) < (load[best] as number)) best = k;
    load[best] = (load[best] as number) + Math.max(1, t.cost);
    if (best === s.index - 1) mine.push(t);
  }
  return mine.sort((a, b) => a.index - b.index);
}
