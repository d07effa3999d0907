#!/usr/bin/env bash
# The README's start command (npm start): infrastructure, then every app of the
# workspace that has a `serve` target, together, with their output prefixed by name.
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
echo "[start] starting: ${apps[*]}"
exec npx nx run-many -t serve --parallel="${#apps[@]}" --outputStyle=stream --skip-nx-cache
