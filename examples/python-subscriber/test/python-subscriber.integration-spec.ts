import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { subscriberExampleSuite } from '../../node-subscriber/test/subscriber-example.util';

/** The interpreter run.sh would pick ($PYTHON, python3, /usr/bin/python3): the first that imports pika. */
function pythonWithPika(): string | undefined {
  const candidates = [process.env['PYTHON'], 'python3', '/usr/bin/python3'].filter(Boolean) as string[];
  return candidates.find(
    (python) => spawnSync(python, ['-c', 'import pika'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
  );
}

const python = pythonWithPika();
const SKIP_REASON = 'no python3 here can import pika (apt-get install python3-pika, or pip install pika)';

/**
 * examples/python-subscriber as its README runs it (`./run.sh` in its folder), against the real
 * stack: the same behaviour as the Node example, from a Python process.
 */
describe('python-subscriber example (./run.sh)', () => {
  if (!python) {
    console.warn(`python-subscriber example skipped: ${SKIP_REASON}`);
    it.skip(`runs against the stack (skipped: ${SKIP_REASON})`, () => undefined);
    return;
  }
  subscriberExampleSuite({
    command: './run.sh',
    args: [],
    cwd: join(__dirname, '..'),
    queue: 'example.python-subscriber',
    // Unset: the example must flush its lines itself, as it does outside this test environment.
    env: { PYTHON: python, PYTHONUNBUFFERED: '' },
  });
});
