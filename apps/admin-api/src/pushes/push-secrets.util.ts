import { createHash } from 'node:crypto';

/**
 * WeChat fields that carry a credential: the component_verify_ticket and authorization codes. The
 * push log keeps them only as a SHA-256 hash and a short prefix (enough to match a value an
 * operator already holds), in the fields and in the raw XML alike. Compared case-insensitively.
 */
export const SECRET_PUSH_FIELDS = [
  'ComponentVerifyTicket',
  'AuthorizationCode',
  'PreAuthCode',
  'AuthCode',
  'auth_code',
  'authorization_code',
] as const;

const SECRET_NAMES = new Set(SECRET_PUSH_FIELDS.map((name) => name.toLowerCase()));
/** Characters of a secret kept in clear. */
export const SECRET_PREFIX_LENGTH = 6;

/** `sha256:<hex> prefix:<first 6>`: what replaces a secret value. */
export function hashedSecret(value: string): string {
  const digest = createHash('sha256').update(value, 'utf8').digest('hex');
  return `sha256:${digest} prefix:${value.slice(0, SECRET_PREFIX_LENGTH)}`;
}

export function isSecretField(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase());
}

/** A deep copy of the push fields with every secret field hashed; `hashed` tells whether any was. */
export function hashSecretFields(fields: Record<string, unknown>): {
  fields: Record<string, unknown>;
  hashed: boolean;
} {
  let hashed = false;
  const visit = (value: unknown, key?: string): unknown => {
    if (key !== undefined && isSecretField(key) && (typeof value === 'string' || typeof value === 'number')) {
      hashed = true;
      return hashedSecret(String(value));
    }
    if (Array.isArray(value)) return value.map((item) => visit(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, visit(inner, name)]));
    }
    return value;
  };
  return { fields: visit(fields) as Record<string, unknown>, hashed };
}

const SECRET_ELEMENT = new RegExp(
  `<(${SECRET_PUSH_FIELDS.join('|')})>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))\\s*</\\1>`,
  'gi',
);

/** The raw XML with the content of every secret element hashed (CDATA or plain text). */
export function hashSecretsInXml(xml: string): { xml: string; hashed: boolean } {
  let hashed = false;
  const out = xml.replace(SECRET_ELEMENT, (_match, name: string, cdata?: string, text?: string) => {
    hashed = true;
    return `<${name}><![CDATA[${hashedSecret(cdata ?? text ?? '')}]]></${name}>`;
  });
  return { xml: out, hashed };
}
