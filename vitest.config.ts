import { defineConfig } from 'vitest/config';

// The scale-out proof starts nginx, four Blogsmith processes and a model on two cores: run beside
// other files it starves their time limits (scrypt logins, process start-ups), so it runs alone,
// after everything else.
const isolated = ['test/deploy/scale-out.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start databases and processes; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: isolated,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: isolated, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
