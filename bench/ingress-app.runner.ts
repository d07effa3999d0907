/**
 * Starts apps/ingress for the benchmark with a broker namespace, so the bench does not publish
 * onto the real wxop.events. Same entry point as main.ts otherwise.
 */
import { loadConfig } from '@wxop/config';

import { IngressConfig } from '../apps/ingress/src/config/ingress.config';
import { createIngressApp } from '../apps/ingress/src/ingress-app';

async function main(): Promise<void> {
  const { ingress } = loadConfig({ ingress: IngressConfig });
  const app = await createIngressApp({ namespace: process.env['WXOP_BENCH_NAMESPACE'] });
  await app.listen(ingress.INGRESS_HTTP_PORT, ingress.INGRESS_HTTP_HOST);
}

void main();
