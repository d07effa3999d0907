/** Settings of the forwarding feature (from AdminApiConfig). */
export interface ForwardingSettings {
  rotationOverlapSeconds: number;
  timeoutMs: number;
  prefetch: number;
  /** Of the event queue (first attempts). */
  eventsPrefetch: number;
  /** How long a first attempt waits for its rule's free slot before the delivery goes to the delivery queue. */
  inlineWaitMs: number;
  /** How often the event queue's bindings are reconciled with the enabled rules (other replicas change them too). */
  bindingsReconcileMs: number;
}

export const FORWARDING_SETTINGS = Symbol('FORWARDING_SETTINGS');
