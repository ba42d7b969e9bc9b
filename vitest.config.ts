import { defineConfig } from 'vitest/config';

// Tests import the compiled code's sources directly (TypeScript via vite); end-to-end tests run
// the built bin/minikctl, so `npm test` builds first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
