import { describe, expect, it } from 'vitest';

import type { SchemaAuthorizerDetailDto } from '../../api/schema';
import { miniProgramOf } from './profile';

function detail(miniProgram: unknown): Pick<SchemaAuthorizerDetailDto, 'miniProgram'> {
  return { miniProgram: miniProgram as SchemaAuthorizerDetailDto['miniProgram'] };
}

describe('miniProgramOf', () => {
  it('is undefined for an official account', () => {
    expect(miniProgramOf(detail(null))).toBeUndefined();
  });

  it('reads the domains, categories and visit status', () => {
    const info = miniProgramOf(
      detail({
        network: { requestDomain: ['https://api.example.com'], bizDomain: ['example.com', 7] },
        categories: [{ first: '工具', second: '效率' }, { nope: true }],
        visitStatus: 0,
      }),
    );
    expect(info?.visitStatus).toBe(0);
    expect(info?.categories).toEqual([{ first: '工具', second: '效率' }]);
    expect(info?.domains.find(([kind]) => kind === 'requestDomain')?.[1]).toEqual([
      'https://api.example.com',
    ]);
    expect(info?.domains.find(([kind]) => kind === 'bizDomain')?.[1]).toEqual(['example.com']);
    expect(info?.domains.find(([kind]) => kind === 'tcpDomain')?.[1]).toEqual([]);
  });

  it('tolerates a partial profile', () => {
    expect(miniProgramOf(detail({}))).toEqual({
      visitStatus: null,
      categories: [],
      domains: expect.arrayContaining([['requestDomain', []]]) as unknown,
    });
  });
});
