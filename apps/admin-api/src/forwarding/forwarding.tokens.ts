/** Settings of the forwarding feature (from AdminApiConfig). */
export interface ForwardingSettings {
  rotationOverlapSeconds: number;
  timeoutMs: number;
  prefetch: number;
  /** Of the event queue (first attempts). */
  eventsPrefetch: number;
}

export const FORWARDING_SETTINGS = Symbol('FORWARDING_SETTINGS');
