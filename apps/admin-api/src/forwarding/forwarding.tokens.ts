/** Settings of the forwarding feature (from AdminApiConfig). */
export interface ForwardingSettings {
  rotationOverlapSeconds: number;
  timeoutMs: number;
  prefetch: number;
}

export const FORWARDING_SETTINGS = Symbol('FORWARDING_SETTINGS');
