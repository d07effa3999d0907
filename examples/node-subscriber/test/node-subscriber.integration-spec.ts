import { join } from 'node:path';

import { subscriberExampleSuite } from './subscriber-example.util';

/**
 * examples/node-subscriber as its README runs it (`npm start` in its folder), against the real
 * stack: a merchant's authorization, a redelivery, release events, a poison message and a stop.
 */
describe('node-subscriber example (npm start)', () => {
  subscriberExampleSuite({
    command: 'npm',
    args: ['start'],
    cwd: join(__dirname, '..'),
    queue: 'example.node-subscriber',
  });
});
