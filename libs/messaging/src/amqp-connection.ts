import { Logger } from '@nestjs/common';
import type { Channel } from 'amqplib';
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

  /**
   * Runs `work` on a channel of its own on the current connection, closed afterwards: a channel
   * error the work causes (404, 403) closes that channel only, never a consumer's (whose
   * deliveries in flight would come again, and which would stay closed until the next reconnect).
   * Throws when not connected now.
   */
  async withTemporaryChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const connection = this.manager.connection;
    if (!connection) throw new Error('broker not connected');
    const channel = await connection.createChannel();
    // The failed operation rejects with the error; without a listener the 'error' event would throw.
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Drops the connection and connects again; every channel re-runs its setup (recovery tests). */
  reconnect(): void {
    this.manager.reconnect();
  }

  /** Calls `listener` after every (re)connection to the broker, the first one included. */
  onConnect(listener: () => void): void {
    this.manager.on('connect', () => listener());
  }

  /**
   * Whether a queue (full name) exists, by a passive declare on a throwaway channel: a missing
   * queue closes the channel it was asked on (404), so none of the app's channels is used.
   * Rejects when not connected or the broker fails otherwise.
   */
  async queueExists(queue: string): Promise<boolean> {
    const connection = this.manager.connection;
    if (!connection) throw new Error('not connected to RabbitMQ');
    const channel = await connection.createChannel();
    let closedByBroker = false;
    // The 404 arrives as the channel's 'error' too; unheard, Node would crash on it.
    channel.on('error', () => (closedByBroker = true));
    try {
      await channel.checkQueue(queue);
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    } finally {
      if (!closedByBroker) await channel.close().catch(() => undefined);
    }
    return true;
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
