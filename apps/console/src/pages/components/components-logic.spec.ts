import { describe, expect, it } from 'vitest';

import type { SchemaComponentDto } from '../../api/schema';
import {
  AES_KEY,
  MESSAGE_TOKEN,
  createComponentBody,
  secretsSet,
  ticketHealth,
  tokenHealth,
  updateComponentBody,
} from './components-logic';

describe('createComponentBody', () => {
  it('trims every field', () => {
    expect(
      createComponentBody({
        componentAppid: ' wxc ',
        secret: ' s ',
        token: 't1',
        encodingAESKey: 'k'.repeat(43),
      }),
    ).toEqual({ componentAppid: 'wxc', secret: 's', token: 't1', encodingAESKey: 'k'.repeat(43) });
  });
});

describe('updateComponentBody', () => {
  it('sends only the secrets typed in', () => {
    expect(updateComponentBody({ secret: 'new-secret', token: '  ', encodingAESKey: undefined })).toEqual({
      secret: 'new-secret',
    });
  });

  it('is undefined when nothing was typed (the API refuses an empty update)', () => {
    expect(updateComponentBody({})).toBeUndefined();
    expect(updateComponentBody({ secret: ' ', token: '' })).toBeUndefined();
  });

  it('never sends the appid', () => {
    expect(updateComponentBody({ componentAppid: 'wxc', token: 'abc' })).toEqual({ token: 'abc' });
  });
});

describe('secretsSet', () => {
  it('reads the flags, not values', () => {
    const component = {
      componentAppid: 'wxc',
      secretSet: true,
      tokenSet: false,
      encodingAESKeySet: true,
      createdAt: '',
      updatedAt: '',
    } satisfies SchemaComponentDto;
    expect(secretsSet(component)).toEqual({ secret: true, token: false, encodingAESKey: true });
  });
});

describe('secret formats', () => {
  it('match the API', () => {
    expect(AES_KEY.test('a'.repeat(43))).toBe(true);
    expect(AES_KEY.test('a'.repeat(42))).toBe(false);
    expect(AES_KEY.test(`${'a'.repeat(42)}-`)).toBe(false);
    expect(MESSAGE_TOKEN.test('abc123')).toBe(true);
    expect(MESSAGE_TOKEN.test('abc_123')).toBe(false);
  });
});

describe('ticketHealth', () => {
  it('is ok within 20 minutes, a warning until 12 hours, then an error', () => {
    expect(ticketHealth(undefined)).toBe('missing');
    expect(ticketHealth(60)).toBe('ok');
    expect(ticketHealth(1200)).toBe('ok');
    expect(ticketHealth(1201)).toBe('warning');
    expect(ticketHealth(12 * 3600 + 1)).toBe('error');
  });
});

describe('tokenHealth', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('counts the seconds left', () => {
    expect(tokenHealth('2025-01-01T01:00:00Z', now)).toEqual({ health: 'ok', secondsLeft: 3600 });
    expect(tokenHealth('2025-01-01T00:05:00Z', now)).toEqual({ health: 'warning', secondsLeft: 300 });
  });
  it('is an error once expired and missing when unknown', () => {
    expect(tokenHealth('2024-12-31T23:59:00Z', now)).toEqual({ health: 'error', secondsLeft: 0 });
    expect(tokenHealth(undefined, now)).toEqual({ health: 'missing' });
    expect(tokenHealth('later', now)).toEqual({ health: 'missing' });
  });
});
