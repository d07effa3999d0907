import type {
  SchemaComponentDto,
  SchemaCreateComponentDto,
  SchemaUpdateComponentDto,
} from '../../api/schema';

/** CreateComponentDto / UpdateComponentDto's rules, checked in the form before the API does. */
export const APPID = /^[0-9A-Za-z_-]{1,64}$/;
export const MESSAGE_TOKEN = /^[0-9a-zA-Z]{1,128}$/;
export const AES_KEY = /^[0-9a-zA-Z]{43}$/;

/** The write-only secrets of a component, in the order the forms show them. */
export const SECRET_FIELDS = ['secret', 'token', 'encodingAESKey'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

export interface ComponentFormValues {
  componentAppid?: string;
  secret?: string;
  token?: string;
  encodingAESKey?: string;
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function createComponentBody(values: ComponentFormValues): SchemaCreateComponentDto {
  return {
    componentAppid: clean(values.componentAppid) ?? '',
    secret: clean(values.secret) ?? '',
    token: clean(values.token) ?? '',
    encodingAESKey: clean(values.encodingAESKey) ?? '',
  };
}

/**
 * The PATCH body: only the secrets typed in (a blank field keeps the stored value, as the API
 * never answers a secret there is nothing to prefill). Undefined when none was typed (the API
 * refuses an empty update).
 */
export function updateComponentBody(values: ComponentFormValues): SchemaUpdateComponentDto | undefined {
  const body: SchemaUpdateComponentDto = {};
  for (const field of SECRET_FIELDS) {
    const value = clean(values[field]);
    if (value !== undefined) body[field] = value;
  }
  return Object.keys(body).length > 0 ? body : undefined;
}

/** Whether each secret is stored, from the API's flags (never from a value: there is none). */
export function secretsSet(component: SchemaComponentDto): Record<SecretField, boolean> {
  return {
    secret: component.secretSet,
    token: component.tokenSet,
    encodingAESKey: component.encodingAESKeySet,
  };
}

export type Health = 'ok' | 'warning' | 'error' | 'missing';

/** WeChat pushes a ticket every 10 minutes and a ticket lasts 12 hours. */
export const TICKET_STALE_SECONDS = 20 * 60;
export const TICKET_EXPIRED_SECONDS = 12 * 3600;

export function ticketHealth(ageSeconds: number | undefined): Health {
  if (ageSeconds === undefined) return 'missing';
  if (ageSeconds <= TICKET_STALE_SECONDS) return 'ok';
  if (ageSeconds <= TICKET_EXPIRED_SECONDS) return 'warning';
  return 'error';
}

/** The component access token is refreshed ahead of expiry: under 10 minutes left means refreshes fail. */
export const TOKEN_EXPIRING_SECONDS = 10 * 60;

export function tokenHealth(
  expiresAt: string | undefined,
  now: number = Date.now(),
): { health: Health; secondsLeft?: number } {
  if (!expiresAt) return { health: 'missing' };
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return { health: 'missing' };
  const secondsLeft = Math.round((at - now) / 1000);
  if (secondsLeft <= 0) return { health: 'error', secondsLeft: 0 };
  return { health: secondsLeft < TOKEN_EXPIRING_SECONDS ? 'warning' : 'ok', secondsLeft };
}

export const HEALTH_COLOR: Record<Health, string> = {
  ok: 'success',
  warning: 'warning',
  error: 'error',
  missing: 'default',
};
