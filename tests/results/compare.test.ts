import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/analysis/compare.js';
import { syntheticDoc } from '../report/helpers.js';

describe('compareResults', () => {
  it('pairs runs whose parameters repeat (an axis listing a value twice) in order, so none hides another', () => {
    // learning_rate: [0.1, 0.1]: two runs with the same key.
    const base = syntheticDoc({ lr: [0.1, 0.1], epochs: [10] }, () => ({ class: 'converged' }));
    const next = syntheticDoc({ lr: [0.1, 0.1], epochs: [10] }, () => ({ class: 'converged' }));
    (next.runs[0] as { class: string; reason: string }).class = 'slow';
    (next.runs[0] as { class: string; reason: string }).reason = 'still-descending';
    const c = compareResults(base, next, { common: false });
    expect(c.common).toBe(2);
    expect(c.counts).toMatchObject({ regressed: 1, same: 1 });
    expect(c.changes.map((x) => x.key)).toEqual(['0.1|10|2|constant|gd', '0.1|10|2|constant|gd#2']);
  });
});
