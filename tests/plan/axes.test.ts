import { describe, expect, it } from 'vitest';
import { AXES, Grid } from '../../src/plan/axes.js';

describe('Grid: run ids are grid positions', () => {
  const grid = new Grid({ start: 3, schedule: 2, optimizer: 4, lr: 5, epochs: 7 });

  it('epochs vary fastest, start slowest; strides are the products of the inner lengths', () => {
    expect(grid.size).toBe(3 * 2 * 4 * 5 * 7);
    expect(grid.strides).toEqual({ epochs: 1, lr: 7, optimizer: 35, schedule: 140, start: 280 });
    expect(AXES).toEqual(['start', 'schedule', 'optimizer', 'lr', 'epochs']);
  });

  it('decode and encode are inverse over the whole grid, and index agrees with decode', () => {
    for (let id = 0; id < grid.size; id++) {
      const at = grid.decode(id);
      expect(grid.encode(at)).toBe(id);
      for (const k of AXES) {
        expect(grid.index(id, k)).toBe(at[k]);
        expect(at[k]).toBeGreaterThanOrEqual(0);
        expect(at[k]).toBeLessThan(grid.lengths[k]);
      }
    }
    expect(grid.decode(grid.size - 1)).toEqual({ start: 2, schedule: 1, optimizer: 3, lr: 4, epochs: 6 });
  });

  it('varying lists the axes with more than one value, in grid order', () => {
    expect(new Grid({ start: 1, schedule: 1, optimizer: 2, lr: 5, epochs: 1 }).varying()).toEqual(['optimizer', 'lr']);
  });
});
