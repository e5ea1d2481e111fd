import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Two cores: end-to-end tests spawn worker pools of their own.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
