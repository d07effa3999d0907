// `npm run demo`: the whole platform in one guided tour (see demo.ts and README "15 minutes with wxop").
import { runDemo } from './demo';

void runDemo(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
