// Records a Vitest run's counts in tmp/test-results/, like tools/jest/summary-reporter.js does for
// Jest, so scripts/test.sh's closing line "Tests: N passed, N failed, N skipped" includes them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../../tmp/test-results', import.meta.url));

export default class SummaryReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    if (!process.env.WXOP_TEST_SUMMARY) return;
    const totals = { passed: 0, failed: unhandledErrors.length, skipped: 0, suites: testModules.length };
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) totals.failed += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') totals.passed += 1;
        else if (state === 'failed') totals.failed += 1;
        else totals.skipped += 1;
      }
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `vitest-${process.pid}-${Date.now()}.json`), JSON.stringify(totals));
  }
}
