import { Logger } from '@nestjs/common';
import {
  connect,
  type AmqpConnectionManager,
  type ChannelWrapper,
  type SetupFunc,
} from 'amqp-connection-manager';

/**
 * One connection per process, re-established automatically after the broker restarts.
 * Channels made from it re-run their setup (topology, consumers) on every reconnect.
 */
export class AmqpConnection {
  private readonly logger = new Logger(AmqpConnection.name);
  private readonly manager: AmqpConnectionManager;
  private closed = false;

  constructor(url: string, reconnectSeconds: number, connectionName: string) {
    this.manager = connect([url], {
      reconnectTimeInSeconds: reconnectSeconds,
      heartbeatIntervalInSeconds: 5,
      connectionOptions: { clientProperties: { connection_name: connectionName } },
    });
    this.manager.on('connect', () => this.logger.log({ msg: 'broker connected' }));
    this.manager.on('disconnect', ({ err }) =>
      this.closed ? undefined : this.logger.warn({ msg: 'broker disconnected', reason: err?.message }),
    );
    this.manager.on('connectFailed', ({ err }) =>
      this.logger.warn({ msg: 'broker connection failed', reason: err?.message }),
    );
  }

  /** A channel (confirm mode) whose setup runs now and after every reconnect. */
  createChannel(name: string, setup?: SetupFunc): ChannelWrapper {
    const channel = this.manager.createChannel({ name, confirm: true, json: false, setup });
    // A failing setup (broker going away, shutdown mid-setup) is emitted as 'error'; without a
    // listener Node would throw it and crash the process. The wrapper retries on reconnect.
    channel.on('error', (error: Error) => {
      if (!this.closed)
        this.logger.warn({ msg: 'channel setup failed', channel: name, reason: error.message });
    });
    return channel;
  }

  isConnected(): boolean {
    return this.manager.isConnected();
  }

  /** Resolves once connected (or rejects after timeoutMs). */
  async waitForConnect(timeoutMs = 10_000): Promise<void> {
    await this.manager.connect({ timeout: timeoutMs });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.manager.close();
  }
}
