import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Bench } from './bench.util';

/**
 * `npm run bench -- <name>` runs bench/<name>.bench.ts. It prints figures for a person and,
 * as its very last line, one JSON object: {"bench":"<name>", …every figure, "bar", "passed"}.
 * Exits 1 when the benchmark misses its bar. A group (`admin-api`) runs each `<group>-*.bench.ts`,
 * each ending with its own JSON line.
 */
async function main(): Promise<void> {
  const available = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .map((file) => file.replace(/\.bench\.ts$/, ''));
  const name = process.argv[2];
  // A group name runs every `<group>-*.bench.ts` in turn (`admin-api`: pushlog, forwarding).
  const group = name ? available.filter((file) => file.startsWith(`${name}-`)).sort() : [];
  if (!name || (!available.includes(name) && group.length === 0)) {
    console.error(`usage: npm run bench -- <name>    (available: ${available.join(', ')})`);
    process.exit(2);
  }
  const names = available.includes(name) ? [name] : group;
  let failed = false;
  for (const bench of names) {
    const module = (await import(join(__dirname, `${bench}.bench.ts`))) as { default: Bench };
    const result = await module.default();
    console.log(`bar: ${result.bar} → ${result.passed ? 'PASS' : 'FAIL'}`);
    console.log(JSON.stringify({ bench, ...result.figures, bar: result.bar, passed: result.passed }));
    failed ||= !result.passed;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
