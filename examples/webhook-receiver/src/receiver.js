import { SeenEvents } from './seen-events.js';
import { matchingSecret, parseSignatureHeader } from './signature.js';

const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const EVENT_TYPE = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

/** A request refused with `status`; `reason` (and `header`) go into the log line and the answer. */
class Refusal extends Error {
  constructor(status, reason, header) {
    super(reason);
    this.status = status;
    this.reason = reason;
    this.header = header;
  }
}

/**
 * The request listener of a receiver of wxop's forwarded events (CONTRACT.md §4). For each POST to
 * `path`, in this order: the X-Wxop-* headers are present and well-formed (else 400), the body fits
 * `maxBodyBytes` (413), the timestamp is within `toleranceSeconds` of now (401), a signature matches
 * one of `secrets` (401), the body is the envelope the headers name (400); then a known event id is
 * answered 200 without being handled again, and a new one is answered 200 before `onEvent` runs.
 * `log` gets one object per request (the outcome line).
 */
export function createReceiver({ secrets, path, toleranceSeconds, maxBodyBytes, seenEvents, onEvent, log }) {
  if (secrets.length < 1 || secrets.length > 2)
    throw new RangeError('one or two secrets (current, previous)');
  const seen = new SeenEvents(seenEvents);

  const deliveryOf = (headers) => {
    const required = (name, pattern) => {
      const value = headers[name];
      if (value === undefined || value === '') throw new Refusal(400, 'missing_header', name);
      if (pattern && !pattern.test(value)) throw new Refusal(400, 'malformed_header', name);
      return value;
    };
    const eventId = required('x-wxop-event-id', EVENT_ID);
    const type = required('x-wxop-event-type', EVENT_TYPE);
    if (type.length > 255) throw new Refusal(400, 'malformed_header', 'x-wxop-event-type');
    const timestamp = required('x-wxop-timestamp', TIMESTAMP);
    const digests = parseSignatureHeader(required('x-wxop-signature'));
    if (!digests) throw new Refusal(400, 'malformed_header', 'x-wxop-signature');
    return { eventId, type, timestamp, digests, test: headers['x-wxop-test'] === '1' };
  };

  const answer = async (request) => {
    // Unverified until the signature holds: logged to help whoever debugs a sender, trusted for nothing.
    const claimed = {
      eventId: request.headers['x-wxop-event-id'],
      type: request.headers['x-wxop-event-type'],
    };
    try {
      const delivery = deliveryOf(request.headers);
      const body = await readBody(request, maxBodyBytes);
      // Checked before the HMAC (cheap first); a replayed old request fails here even with a good signature.
      if (Math.abs(Date.now() / 1000 - Number(delivery.timestamp)) > toleranceSeconds) {
        throw new Refusal(401, 'timestamp_out_of_tolerance');
      }
      const secretIndex = matchingSecret(secrets, delivery.timestamp, body, delivery.digests);
      if (secretIndex < 0) throw new Refusal(401, 'bad_signature');
      const envelope = parseEnvelope(body);
      // The headers are not signed, the body is: a replay with another X-Wxop-Event-Id must not slip past the dedupe.
      if (envelope.id !== delivery.eventId || envelope.type !== delivery.type) {
        throw new Refusal(400, 'headers_do_not_match_body');
      }
      const line = {
        eventId: delivery.eventId,
        type: delivery.type,
        secret: secretIndex === 0 ? 'current' : 'previous',
        signatures: delivery.digests.length,
        test: delivery.test,
      };
      if (!seen.add(delivery.eventId)) return { status: 200, line: { outcome: 'duplicate', ...line } };
      return { status: 200, line: { outcome: 'accepted', ...line }, envelope, delivery };
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      const line = { outcome: 'rejected', ...claimed, reason: error.reason };
      if (error.header) line.header = error.header;
      return { status: error.status, line };
    }
  };

  return (request, response) => {
    const started = performance.now();
    const pathname = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && pathname === '/health') return send(response, 200, { status: 'ok' });
    if (pathname !== path || request.method !== 'POST') {
      const status = pathname === path ? 405 : 404;
      log({ outcome: 'rejected', status, reason: status === 405 ? 'method_not_allowed' : 'not_found' });
      return send(response, status, { error: status === 405 ? 'method_not_allowed' : 'not_found' });
    }
    answer(request).then(
      ({ status, line, envelope, delivery }) => {
        if (line.reason === 'body_too_large') {
          // The rest of the body is never read, so the connection cannot carry another request.
          response.setHeader('connection', 'close');
        }
        send(
          response,
          status,
          line.outcome === 'rejected' ? { error: line.reason } : { outcome: line.outcome },
        );
        log({ ...line, status, durationMs: Math.round(performance.now() - started) });
        // After the answer: the sender waits for nothing but the checks above.
        if (envelope) setImmediate(() => handle(onEvent, envelope, delivery, log));
      },
      (error) => {
        if (!response.headersSent) send(response, 500, { error: 'internal_error' });
        log({ outcome: 'rejected', status: 500, reason: 'internal_error', error: String(error) });
      },
    );
  };
}

function handle(onEvent, envelope, delivery, log) {
  Promise.resolve()
    .then(() => onEvent(envelope, { test: delivery.test, receivedAt: new Date().toISOString() }))
    .catch((error) =>
      log({ msg: 'handler failed', eventId: envelope.id, type: envelope.type, error: String(error) }),
    );
}

/** The body's bytes (signatures are over them, not over a re-encoding); refused beyond `limit`. */
function readBody(request, limit) {
  if (Number(request.headers['content-length']) > limit) {
    return Promise.reject(new Refusal(413, 'body_too_large'));
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size <= limit) return chunks.push(chunk);
      request.off('data', onData);
      reject(new Refusal(413, 'body_too_large'));
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete) reject(new Refusal(400, 'body_incomplete'));
    });
  });
}

function parseEnvelope(body) {
  let envelope;
  try {
    envelope = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Refusal(400, 'body_not_json');
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw new Refusal(400, 'body_not_an_envelope');
  }
  return envelope;
}

function send(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
