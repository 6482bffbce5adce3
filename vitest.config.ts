import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Minutes long (npm pack, a fresh project, the README's examples): `npm run test:install` (.ci/run runs it).
    exclude: [...configDefaults.exclude, 'tests/install/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
