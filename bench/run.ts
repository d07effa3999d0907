import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Bench } from './bench.util';

/**
 * `npm run bench -- <name>` runs bench/<name>.bench.ts. It prints figures for a person and,
 * as its very last line, one JSON object: {"bench":"<name>", …every figure, "bar", "passed"}.
 * Exits 1 when the benchmark misses its bar.
 */
async function main(): Promise<void> {
  const available = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .map((file) => file.replace(/\.bench\.ts$/, ''));
  const name = process.argv[2];
  // A group name runs each `<name>-*.bench.ts` in turn (`admin-api`: pushlog and forwarding).
  const names =
    name && available.includes(name) ? [name] : available.filter((file) => file.startsWith(`${name}-`));
  if (!name || names.length === 0) {
    console.error(`usage: npm run bench -- <name>    (available: ${available.join(', ')})`);
    process.exit(2);
  }
  let passed = true;
  for (const each of names) {
    const module = (await import(join(__dirname, `${each}.bench.ts`))) as { default: Bench };
    const result = await module.default();
    console.log(`bar: ${result.bar} → ${result.passed ? 'PASS' : 'FAIL'}`);
    console.log(JSON.stringify({ bench: each, ...result.figures, bar: result.bar, passed: result.passed }));
    passed &&= result.passed;
  }
  process.exitCode = passed ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
