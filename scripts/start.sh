#!/usr/bin/env bash
# The README's start command (npm start): infrastructure, then every app of the
# workspace that has a `serve` target, together, with their output prefixed by name, and
# once all of them answer /health/ready one banner (scripts/start-banner.ts) with their
# URLs and three things to try. The web console is built first (admin-api serves it).
# Ctrl-C stops them all (each shuts down gracefully).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -f .env ]]; then
  echo "[start] reading .env"
  set -a
  # shellcheck disable=SC1091
  . ./.env
  set +a
fi
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash scripts/infra.sh

mapfile -t apps < <(npx nx show projects --with-target serve 2>/dev/null | sort)
if [[ ${#apps[@]} -eq 0 ]]; then
  echo "[start] infrastructure is ready; no app with a serve target exists yet in apps/."
  exit 0
fi
# Under nx the apps write to a pipe, which would make them log JSON: readable lines for a
# person at a terminal, JSON when this output goes to a file or another program.
if [[ -z "${LOG_FORMAT:-}" ]]; then
  if [[ -t 1 ]]; then export LOG_FORMAT=pretty; else export LOG_FORMAT=json; fi
fi
# The web console is static files that admin-api serves at /console: build them first (cached by Nx).
if [[ " ${apps[*]} " == *" admin-api "* ]] && npx nx show projects 2>/dev/null | grep -qx console; then
  echo "[start] building the web console (served by admin-api at /console)"
  mkdir -p tmp
  npx nx run console:build --outputStyle=static >tmp/console-build.log 2>&1 || {
    tail -30 tmp/console-build.log
    echo "[start] the console did not build (full log: tmp/console-build.log); admin-api still starts, /console answers 404"
  }
  grep '^\[console\] first page' tmp/console-build.log || true
fi
echo "[start] starting: ${apps[*]} (logs: LOG_FORMAT=${LOG_FORMAT}, LOG_LEVEL=${LOG_LEVEL:-info}; the banner follows once every app is ready)"
node scripts/run-ts.cjs scripts/start-banner.ts "$$" "${apps[@]}" &
exec npx nx run-many -t serve --parallel="${#apps[@]}" --outputStyle=stream --skip-nx-cache
