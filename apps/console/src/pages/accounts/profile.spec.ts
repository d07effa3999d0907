import { describe, expect, it } from 'vitest';

import type { SchemaMiniProgramProfileDto } from '../../api/schema';
import { DOMAIN_KINDS, miniProgramOf } from './profile';

const NO_DOMAINS = Object.fromEntries(
  DOMAIN_KINDS.map((kind) => [kind, []]),
) as unknown as SchemaMiniProgramProfileDto['network'];

describe('miniProgramOf', () => {
  it('is undefined for an official account', () => {
    expect(miniProgramOf({ miniProgram: null })).toBeUndefined();
  });

  it('reads the domains in a fixed order, the categories and the visit status', () => {
    const info = miniProgramOf({
      miniProgram: {
        network: { ...NO_DOMAINS, requestDomain: ['https://api.example.com'], bizDomain: ['example.com'] },
        categories: [{ first: '工具', second: '效率' }],
        visitStatus: 0,
      },
    });
    expect(info?.visitStatus).toBe(0);
    expect(info?.categories).toEqual([{ first: '工具', second: '效率' }]);
    expect(info?.domains.map(([kind]) => kind)).toEqual([...DOMAIN_KINDS]);
    expect(info?.domains.find(([kind]) => kind === 'requestDomain')?.[1]).toEqual([
      'https://api.example.com',
    ]);
    expect(info?.domains.find(([kind]) => kind === 'bizDomain')?.[1]).toEqual(['example.com']);
    expect(info?.domains.find(([kind]) => kind === 'tcpDomain')?.[1]).toEqual([]);
  });

  it('keeps an unknown visit status unknown', () => {
    expect(
      miniProgramOf({ miniProgram: { network: NO_DOMAINS, categories: [], visitStatus: null } }),
    ).toEqual({
      visitStatus: null,
      categories: [],
      domains: DOMAIN_KINDS.map((kind) => [kind, []]),
    });
  });
});
