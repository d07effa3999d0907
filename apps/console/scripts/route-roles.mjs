// Writes src/api/route-roles.json: the roles each admin-api route allows ("METHOD /path" → roles),
// read from the OpenAPI document's x-wxop-roles, so the console hides what a role cannot do with
// the same table the API enforces. Run by scripts/generate-api.sh; a unit test checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function routeRoles(document) {
  const roles = {};
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations))
      if (operation['x-wxop-roles']) roles[`${method.toUpperCase()} ${path}`] = operation['x-wxop-roles'];
  return roles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = fileURLToPath(new URL('../src/api/', import.meta.url));
  const document = JSON.parse(readFileSync(`${api}openapi.json`, 'utf8'));
  writeFileSync(`${api}route-roles.json`, `${JSON.stringify(routeRoles(document), null, 2)}\n`);
}
