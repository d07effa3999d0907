#!/usr/bin/env bash
# npm run console:api — regenerates the console's typed API client from admin-api's OpenAPI
# document: apps/console/src/api/openapi.json (the document, checked in) and schema.d.ts (its
# types, from openapi-typescript). A changed endpoint then fails the console's type check, and
# admin-api's integration test fails while the checked-in copy differs from the running app's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
export ADMIN_API_JWT_SECRET="${ADMIN_API_JWT_SECRET:-openapi-generation-only-never-a-deployment-key}"
export SECRETS_KEYS="${SECRETS_KEYS:-gen:$(head -c 32 /dev/zero | base64)}" SECRETS_CURRENT_KEY_ID="${SECRETS_CURRENT_KEY_ID:-gen}"
export LOG_LEVEL=error
bash scripts/infra.sh >/dev/null
node scripts/run-ts.cjs apps/admin-api/src/main.ts migrate >/dev/null
node scripts/run-ts.cjs apps/admin-api/src/main.ts openapi apps/console/src/api/openapi.json
npx openapi-typescript apps/console/src/api/openapi.json -o apps/console/src/api/schema.d.ts --root-types
node apps/console/scripts/route-roles.mjs
npx prettier --write apps/console/src/api/openapi.json apps/console/src/api/schema.d.ts apps/console/src/api/route-roles.json --log-level warn
echo "[console:api] apps/console/src/api/openapi.json and schema.d.ts regenerated"
