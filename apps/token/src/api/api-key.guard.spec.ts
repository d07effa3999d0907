import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';

import type { TokenConfig } from '../config/token.config';
import { ApiKeyGuard } from './api-key.guard';

const KEYS = ['first-key-of-at-least-24-chars', 'second-key-of-at-least-24-chars'];

function contextWith(authorization?: string): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe(ApiKeyGuard.name, () => {
  const sut = new ApiKeyGuard({ TOKEN_API_KEYS: KEYS } as TokenConfig);

  it('lets a request with any configured bearer key through', () => {
    for (const key of KEYS) expect(sut.canActivate(contextWith(`Bearer ${key}`))).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty bearer', 'Bearer '],
    ['another scheme', `Basic ${KEYS[0]}`],
    ['a wrong key', 'Bearer first-key-of-at-least-24-charX'],
    ['a prefix of a key', 'Bearer first-key'],
    ['a key with more after it', `Bearer ${KEYS[0]}x`],
  ])('refuses %s with 401', (_name, header) => {
    expect(() => sut.canActivate(contextWith(header))).toThrow(UnauthorizedException);
  });
});
