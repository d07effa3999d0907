#!/usr/bin/env bash
# The README's test command (npm test): infrastructure, then every tier of tests.
#   1. lint, type check and unit tests of every project (in parallel, no services needed)
#   2. integration tests against the real MariaDB and RabbitMQ (isolated per run)
#   3. suites that stop and start the broker, alone
# Ends with one line "Tests: N passed, N failed, N skipped" over all of them.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=true
export WXOP_TEST_SUMMARY=1
PARALLEL="${WXOP_TEST_PARALLEL:-2}"
# A tier that runs longer than this is stopped (its whole process group) and counted as failed, so a
# test that leaves a process behind, and jest waiting on it, cannot hold CI until its own limit.
STEP_LIMIT="${WXOP_TEST_STEP_LIMIT_SECONDS:-1500}"
results_dir="tmp/test-results"
rm -rf "$results_dir"
mkdir -p "$results_dir"

if [[ ! -d node_modules ]]; then
  echo "[test] node_modules missing: run npm install first" >&2
  exit 1
fi

WXOP_INFRA_BROWSER=1 WXOP_INFRA_PYTHON=1 bash scripts/infra.sh || exit 1

status=0
step() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "[test] ── $name"
  local code=0 pid
  # timeout puts the tier in a process group of its own: Ctrl-C or a CI cancellation of this
  # script is passed on to it (timeout forwards TERM to its group), so nothing is left running.
  timeout --kill-after=30 "$STEP_LIMIT" "$@" &
  pid=$!
  local interrupted=0
  trap 'kill -TERM "$pid" 2>/dev/null; interrupted=1' INT TERM
  wait "$pid" || code=$?
  trap - INT TERM
  if ((interrupted)); then
    wait "$pid" 2>/dev/null
    echo "[test] ── $name interrupted"
    # A restart suite stopped midway must not leave the broker down.
    bash scripts/infra.sh >/dev/null 2>&1
    exit 130
  fi
  if ((code != 0)); then
    status=1
    if (((code == 124 || code == 137) && SECONDS - started >= STEP_LIMIT)); then
      echo "[test] ── $name STOPPED: still running after the ${STEP_LIMIT} s limit (WXOP_TEST_STEP_LIMIT_SECONDS)"
    fi
    echo "[test] ── $name FAILED after $((SECONDS - started)) s"
  else
    echo "[test] ── $name passed in $((SECONDS - started)) s"
  fi
}

step "format" npx prettier --check . --log-level warn
step "lint, typecheck, unit" npx nx run-many -t lint typecheck test --parallel="$PARALLEL" --outputStyle=static
step "integration (real MariaDB and RabbitMQ)" npx nx run-many -t integration --parallel="$PARALLEL" --outputStyle=static
step "broker restart suites (alone)" npx nx run-many -t restart --parallel=1 --outputStyle=static
# A restart suite that failed midway must not leave the broker down for whoever comes next.
bash scripts/infra.sh >/dev/null || status=1

node -e '
const fs = require("fs"), path = require("path"), dir = process.argv[1];
const totals = { passed: 0, failed: 0, skipped: 0, suites: 0 };
for (const f of fs.readdirSync(dir)) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
  for (const k of Object.keys(totals)) totals[k] += r[k];
}
console.log(`[test] ${totals.suites} suites`);
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.passed === 0) { console.error("[test] no test ran"); process.exit(1); }
' "$results_dir" || status=1
exit $status
