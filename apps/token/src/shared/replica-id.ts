import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

/** Names this process in leases (`host:pid:random`), so operators can see which replica holds what. */
export const REPLICA_ID = Symbol('REPLICA_ID');

export function newReplicaId(): string {
  return `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
