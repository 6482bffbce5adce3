import { defineConfig } from 'vitest/config';

// The install tests: the packed harness in a fresh npm project, and the README's examples run there
// (several minutes on a 2-core machine). `npm run test:install`; .ci/run runs them after `npm test`.
export default defineConfig({
  test: {
    include: ['tests/install/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
