import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start their own servers on ephemeral ports, so files may run in parallel.
    pool: 'forks',
    // One PostgreSQL server for the whole run, started only if a file asks for a database.
    globalSetup: ['test/helpers/postgres-global-setup.ts'],
  },
});
