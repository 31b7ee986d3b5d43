// Prints one plain closing line ("Tests: N passed, N failed, N skipped") after vitest's own
// summary, so CI logs can be read by tools that do not know vitest's format — and before it, the
// files that failed, since a log kept only in part (its tail) must still say where to look: a file
// whose test process died shows in vitest's own report only as an unhandled error of the pool.
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    const failedFiles: string[] = [];
    for (const mod of testModules) {
      let failedTests = 0;
      // Tests a dead test process never finished: its file failed, though vitest marks it neither
      // failed nor any of its tests.
      let unfinished = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedTests++;
        else skipped++;
        if (state === 'pending') unfinished++;
      }
      // A file that failed outside any test (its import, a beforeAll hook) counts once: its tests
      // did not run, and the line must not read "0 failed" for a red run.
      failed += mod.state() === 'failed' && failedTests === 0 ? 1 : failedTests;
      if (mod.state() === 'failed' || unfinished > 0)
        failedFiles.push(
          `${relative(process.cwd(), mod.moduleId)}${unfinished > 0 ? ` (${unfinished} test(s) never finished)` : ''}`,
        );
    }
    if (failedFiles.length > 0) process.stdout.write(`\nFailed files: ${failedFiles.join(', ')}\n`);
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
