// Prints one plain closing line ("Tests: N passed, N failed, N skipped") after vitest's own
// summary, so CI logs can be read by tools that do not know vitest's format.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      let failedTests = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedTests++;
        else skipped++;
      }
      // A file that failed outside any test (its import, a beforeAll hook) counts once: its tests
      // did not run, and the line must not read "0 failed" for a red run.
      failed += mod.state() === 'failed' && failedTests === 0 ? 1 : failedTests;
    }
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
