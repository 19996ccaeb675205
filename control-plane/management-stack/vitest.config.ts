import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    ...sharedTestOptions,
    setupFiles: ['tests/setup.ts'],
    // One CDK synthesis per file takes seconds on a shared 2-core machine.
    maxWorkers: 2,
  },
});
