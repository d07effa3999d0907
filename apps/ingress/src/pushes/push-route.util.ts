import { APPID_PATTERN } from '@wxop/contracts';

import { IngressError, IngressErrorCode } from './ingress.errors';
import type { PushKind } from './push-envelope.util';

/** A request to one of the two push URLs (CONTRACT.md §1), appids not yet checked. */
export interface PushRoute {
  kind: PushKind;
  componentAppid: string;
  authorizerAppid?: string;
  query: Record<string, string | undefined>;
}

const PREFIX = '/wechat/components/';
const COMPONENT_SUFFIX = '/events';
const MESSAGE_SUFFIX = '/messages';
const AUTHORIZERS = '/authorizers/';

/** Refuses a path segment that cannot be an appid (404, as for an unknown component). */
export function checkAppid(value: string): string {
  if (!APPID_PATTERN.test(value)) throw new IngressError(IngressErrorCode.UnknownComponent, 'not an appid');
  return value;
}

/**
 * Matches `POST /wechat/components/:componentAppid/events` and
 * `…/authorizers/:authorizerAppid/messages` exactly as the Fastify router did (case-sensitive,
 * no trailing slash, path segments percent-decoded); anything else is not a push route.
 */
export function matchPushRoute(method: string | undefined, url: string): PushRoute | undefined {
  if (method !== 'POST' || !url.startsWith(PREFIX)) return undefined;
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = parseQuery(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const rest = path.slice(PREFIX.length);
  const componentEnd = rest.indexOf('/');
  if (componentEnd <= 0) return undefined;
  const componentAppid = segment(rest.slice(0, componentEnd));
  const tail = rest.slice(componentEnd);
  if (tail === COMPONENT_SUFFIX) return { kind: 'component', componentAppid, query };
  if (tail.startsWith(AUTHORIZERS) && tail.endsWith(MESSAGE_SUFFIX)) {
    const authorizer = tail.slice(AUTHORIZERS.length, -MESSAGE_SUFFIX.length);
    if (authorizer.length > 0 && !authorizer.includes('/')) {
      return { kind: 'message', componentAppid, authorizerAppid: segment(authorizer), query };
    }
  }
  return undefined;
}

function segment(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    // Undecodable: left as is, so that checkAppid refuses it.
    return raw;
  }
}

/**
 * The query string as the push handling reads it. A repeated parameter is joined with commas,
 * which is what the handling saw of Fastify's arrays before (a signature over it never holds).
 */
function parseQuery(search: string): Record<string, string | undefined> {
  // No prototype: a parameter named like an Object method must not read as present.
  const query = Object.create(null) as Record<string, string | undefined>;
  if (search === '') return query;
  for (const [name, value] of new URLSearchParams(search)) {
    const previous = query[name];
    query[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return query;
}
