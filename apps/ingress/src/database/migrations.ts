import { CreateOutbox1763900000000 } from './migrations/1763900000000-create-outbox';

/** Every migration of the ingress database, in order. */
export const INGRESS_MIGRATIONS = [CreateOutbox1763900000000];
