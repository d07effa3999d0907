// Runs a TypeScript entry point with the workspace's path aliases (@wxop/*) through SWC,
// without a build step: `node scripts/run-ts.cjs apps/wechat-sim/src/main.ts`.
const path = require('node:path');

const root = path.join(__dirname, '..');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(root, 'tsconfig.base.json');
require('@swc-node/register');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.cjs <file.ts> [args…]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...args];
require(path.resolve(entry));
