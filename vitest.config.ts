import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['services/**/*.test.ts', 'schemas/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          // A hang guard, not a speed check: unit files share two cores with the integration
          // project's broker and engine, and a cold first call can stall for seconds under that load.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One embedded ClickHouse directory per process and one shared broker: run files one at a time.
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
})
