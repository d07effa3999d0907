import { loadConfig } from '@wxop/config';
import type { AmqpConnection, EventPublisher } from '@wxop/messaging';
import { HealthRegistry } from '@wxop/observability';

import { IngressConfig } from '../config/ingress.config';
import { IngressError, IngressErrorCode } from './ingress.errors';
import { RequiredQueuesService } from './required-queues.service';

/** A broker whose queues the test declares and drops, and a connection it takes down and back. */
function fakeBroker() {
  const queues = new Set<string>();
  const listeners: (() => void)[] = [];
  let connected = true;
  const publisher = {
    missingQueues: jest.fn(async (names: readonly string[]) => {
      if (!connected) throw new Error('not connected to RabbitMQ');
      return names.filter((name) => !queues.has(name));
    }),
  };
  const connection = {
    isConnected: () => connected,
    onConnect: (listener: () => void) => listeners.push(listener),
  };
  return {
    queues,
    publisher,
    connection,
    disconnect: () => (connected = false),
    reconnect: () => {
      connected = true;
      for (const listener of listeners) listener();
    },
  };
}

describe(RequiredQueuesService.name, () => {
  let sut: RequiredQueuesService;
  let broker: ReturnType<typeof fakeBroker>;
  let health: HealthRegistry;

  const make = (value: string, reachable = true) => {
    const { ingress } = loadConfig(
      { ingress: IngressConfig },
      { INGRESS_REQUIRED_QUEUES: value, INGRESS_REQUIRED_QUEUES_CHECK_MS: '50' },
    );
    broker = fakeBroker();
    if (!reachable) broker.disconnect();
    health = new HealthRegistry();
    sut = new RequiredQueuesService(
      ingress,
      broker.publisher as unknown as EventPublisher,
      broker.connection as unknown as AmqpConnection,
      health,
    );
    sut.onApplicationBootstrap();
  };
  const readiness = async () => {
    const [, check] = health.entries().find(([name]) => name === 'consumer-queues')!;
    return Promise.resolve()
      .then(check)
      .then(
        (details) => ({ up: true, details }),
        (error: Error) => ({ up: false, details: error.message }),
      );
  };
  const refusal = () => {
    try {
      sut.admit();
      return undefined;
    } catch (error) {
      return error;
    }
  };

  afterEach(() => sut.onModuleDestroy());

  describe('admit', () => {
    it('refuses pushes with ConsumersMissing until every required queue exists, then admits them', async () => {
      make('token.component-pushes,authorizer.authorization-pushes');
      broker.queues.add('token.component-pushes');
      await sut.waitOpen(150).catch(() => undefined);
      expect(refusal()).toEqual(expect.any(IngressError));
      expect((refusal() as IngressError).code).toBe(IngressErrorCode.ConsumersMissing);
      expect((refusal() as IngressError).status).toBe(503);
      expect(await readiness()).toEqual({
        up: false,
        details: 'consumer queues not declared yet: authorizer.authorization-pushes',
      });

      broker.queues.add('authorizer.authorization-pushes');
      await sut.waitOpen(2000);
      expect(refusal()).toBeUndefined();
      expect(await readiness()).toEqual({
        up: true,
        details: { queues: ['token.component-pushes', 'authorizer.authorization-pushes'] },
      });
      // Open: no more questions to the broker per push.
      const asked = broker.publisher.missingQueues.mock.calls.length;
      for (let i = 0; i < 100; i++) sut.admit();
      expect(broker.publisher.missingQueues.mock.calls.length).toBe(asked);
    });

    it('checks again after a reconnection, and refuses while the new broker lacks the queues', async () => {
      make('token.component-pushes');
      broker.queues.add('token.component-pushes');
      await sut.waitOpen(2000);

      broker.disconnect();
      // Broker unreachable: the push goes on to publish and the outbox, whose relay waits for the gate.
      expect(refusal()).toBeUndefined();
      broker.queues.clear(); // the broker came back without its queues
      broker.reconnect();
      expect(sut.open).toBe(false);
      expect((refusal() as IngressError).code).toBe(IngressErrorCode.ConsumersMissing);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(sut.open).toBe(false);
      expect((await readiness()).details).toBe('consumer queues not declared yet: token.component-pushes');

      broker.queues.add('token.component-pushes');
      await sut.waitOpen(2000);
      expect(refusal()).toBeUndefined();
    });

    it('keeps trying while the broker cannot be asked', async () => {
      make('token.component-pushes', false);
      broker.queues.add('token.component-pushes');
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(sut.open).toBe(false);
      expect((await readiness()).details).toBe('consumer queues not checked yet: token.component-pushes');
      broker.reconnect();
      await sut.waitOpen(2000);
      expect(sut.open).toBe(true);
    });

    it('admits everything and registers no check with none', async () => {
      make('none');
      expect(sut.open).toBe(true);
      expect(refusal()).toBeUndefined();
      expect(health.entries()).toEqual([]);
      expect(broker.publisher.missingQueues).not.toHaveBeenCalled();
    });
  });
});
