/** An HTTP answer the demo did not expect, with the API's own message and correlation id. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly body: unknown,
    readonly correlationId: string | null,
  ) {
    super(
      `${method} ${new URL(url).pathname} answered ${status}: ${describe(body)}` +
        (correlationId ? ` (correlation id ${correlationId})` : ''),
    );
  }
}

function describe(body: unknown): string {
  if (body && typeof body === 'object') {
    const { error, message } = body as { error?: unknown; message?: unknown };
    if (typeof message === 'string') return typeof error === 'string' ? `${error}: ${message}` : message;
  }
  return typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body)?.slice(0, 300);
}

export interface JsonRequest {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Statuses answered instead of thrown (default: any 2xx only). */
  accept?: readonly number[];
  timeoutMs?: number;
}

/** fetch() with a JSON body and answer; anything but a 2xx (or an accepted status) throws an HttpError. */
export async function json<T>(
  method: string,
  url: string,
  request: JsonRequest = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      ...request.headers,
    },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: AbortSignal.timeout(request.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  if (!response.ok && !request.accept?.includes(response.status))
    throw new HttpError(response.status, method, url, body, response.headers.get('x-correlation-id'));
  return { status: response.status, body: body as T };
}

/** Whether `url` answers 200 within two seconds. */
export function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (response) => response.ok,
    () => false,
  );
}
