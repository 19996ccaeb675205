import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    // The moto server answers slowly on a busy 2-core machine; unit tests never come close.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
