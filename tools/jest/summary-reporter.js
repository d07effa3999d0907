// Records each Jest run's counts in tmp/test-results/, so scripts/test.sh can print one
// closing line for the whole workspace: "Tests: N passed, N failed, N skipped".
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig, options = {}) {
    this.dir = options.dir || path.join(__dirname, '..', '..', 'tmp', 'test-results');
  }

  onRunComplete(_contexts, results) {
    if (!process.env.WXOP_TEST_SUMMARY) return;
    fs.mkdirSync(this.dir, { recursive: true });
    const name = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`;
    fs.writeFileSync(
      path.join(this.dir, name),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        suites: results.numTotalTestSuites,
      }),
    );
  }
}

module.exports = SummaryReporter;
