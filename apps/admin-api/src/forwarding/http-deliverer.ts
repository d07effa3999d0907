import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

import { Agent, request } from 'undici';

import { SsrfGuard } from './ssrf-guard';

/** What one POST to a subscriber gave. */
export interface AttemptOutcome {
  /** Undefined when no response came (refused target, connection error, timeout). */
  statusCode?: number;
  latencyMs: number;
  /** First 1 KiB of the response body. */
  responseHead?: string;
  error?: string;
  /** Any 2xx. */
  delivered: boolean;
}

export const RESPONSE_HEAD_BYTES = 1024;

/**
 * POSTs signed deliveries with undici: no redirects followed (undici's `request` never follows
 * them; a 3xx is a failure), a 10 s timeout, and the SSRF guard applied to the address actually
 * connected to: the agent's `lookup` resolves the host, refuses a forbidden address, and hands the
 * checked address to the socket, so a DNS answer cannot change between the check and the connect.
 */
export class HttpDeliverer {
  private readonly agent: Agent;
  /** `refusal(url, false)` per target URL: it depends on the URL alone, and every POST asks it. */
  private readonly staticRefusals = new Map<string, string | undefined>();

  constructor(
    private readonly guard: SsrfGuard,
    private readonly options: { timeoutMs: number; connections?: number },
  ) {
    this.agent = new Agent({
      connections: options.connections ?? 64,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs, lookup: this.guardedLookup },
    });
  }

  /** Why `url` must not be a target (scheme, literal address); undefined when it may. DNS is checked too when `resolve`. */
  async refusal(url: string, resolve = true): Promise<string | undefined> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http and https targets';
    if (parsed.username || parsed.password) return 'credentials in the URL are not allowed';
    const host = hostOf(parsed);
    if (isIP(host)) return this.guard.refusal(host);
    if (!resolve) return undefined;
    try {
      const addresses = await new Promise<LookupAddress[]>((ok, fail) =>
        dnsLookup(host, { all: true }, (error, all) => (error ? fail(error) : ok(all))),
      );
      for (const { address } of addresses) {
        const reason = this.guard.refusal(address);
        if (reason) return `${host} resolves to ${reason}`;
      }
      return undefined;
    } catch (error) {
      return `${host} does not resolve (${(error as Error).message})`;
    }
  }

  async post(url: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
    const started = performance.now();
    const latency = (): number => Math.round(performance.now() - started);
    const refused = await this.staticRefusal(url);
    if (refused) return { latencyMs: latency(), error: `target refused: ${refused}`, delivered: false };
    try {
      const response = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'wxop-forwarding/1', ...headers },
        dispatcher: this.agent,
        maxRedirections: 0,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const responseHead = await readHead(response.body);
      const delivered = response.statusCode >= 200 && response.statusCode < 300;
      return { statusCode: response.statusCode, latencyMs: latency(), responseHead, delivered };
    } catch (error) {
      return { latencyMs: latency(), error: errorText(error), delivered: false };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async staticRefusal(url: string): Promise<string | undefined> {
    if (this.staticRefusals.has(url)) return this.staticRefusals.get(url);
    const refusal = await this.refusal(url, false);
    if (this.staticRefusals.size >= STATIC_REFUSALS_KEPT) this.staticRefusals.clear();
    this.staticRefusals.set(url, refusal);
    return refusal;
  }

  private readonly guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      for (const { address } of list) {
        const reason = this.guard.refusal(address);
        if (reason) return callback(new Error(`target refused: ${hostname} resolves to ${reason}`), '', 0);
      }
      const chosen = list[0];
      if (!chosen) return callback(new Error(`${hostname} has no address`), '', 0);
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [chosen]);
        return;
      }
      callback(null, chosen.address, chosen.family);
    });
  };
}

/** Target URLs whose static check is remembered (the rules' targets: a handful). */
const STATIC_REFUSALS_KEPT = 1000;

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

async function readHead(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < RESPONSE_HEAD_BYTES) {
      chunks.push(chunk);
      size += chunk.length;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_HEAD_BYTES).toString('utf8');
}

function errorText(error: unknown): string {
  const err = error as Error & { cause?: Error; code?: string };
  const text = err instanceof Error ? `${err.code ?? err.name}: ${err.message}` : String(error);
  return (err.cause instanceof Error ? `${text} (${err.cause.message})` : text).slice(0, 1024);
}
