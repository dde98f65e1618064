import { defineConfig } from 'vitest/config';

// Two suites: `unit` is the fast default (`npm test`); `slow` drives real bazel, podman, nginx
// and venvs (`npm run test:slow`). Both run in CI (.ci/run).
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'slow',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
