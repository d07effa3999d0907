import type { ComponentHealth } from '@wxop/contracts';

import { ComponentsController } from './components.controller';
import { ComponentsError } from './components.errors';
import type { ComponentsService } from './components.service';
import { ComponentQueryDto } from './dto/component.dto';

function health(componentAppid: string, createdAt: string): ComponentHealth {
  return {
    componentAppid,
    ticket: { receivedAt: createdAt, ageSeconds: 30 },
    componentToken: { expiresAt: '2026-12-01T14:00:00.000Z', refreshFailures: 0 },
    authorizers: { byState: { active: 1, invalid: 0, revoked: 0 } },
    createdAt,
    updatedAt: createdAt,
  };
}

const COMPONENTS = [
  health('wxbbbbbbbbbbbbbbbb', '2026-12-01T10:00:00.000Z'),
  health('wxaaaaaaaaaaaaaaaa', '2026-12-01T12:00:00.000Z'),
  health('wxcccccccccccccccc', '2026-12-01T11:00:00.000Z'),
];

const query = (fields: Partial<ComponentQueryDto>) => Object.assign(new ComponentQueryDto(), fields);

describe('ComponentsController', () => {
  const update = jest.fn();
  const service = { list: async () => COMPONENTS, update } as unknown as ComponentsService;
  const controller = new ComponentsController(service);

  it('pages the components by appid by default, secrets only as set flags', async () => {
    const page = await controller.list(query({ limit: 2, offset: 1 }));
    expect(page.items.map((item) => item.componentAppid)).toEqual([
      'wxbbbbbbbbbbbbbbbb',
      'wxcccccccccccccccc',
    ]);
    expect([page.total, page.limit, page.offset]).toEqual([3, 2, 1]);
    expect(page.items[0]).toMatchObject({ secretSet: true, tokenSet: true, encodingAESKeySet: true });
    expect(Object.keys(page.items[0]!)).not.toEqual(expect.arrayContaining(['secret']));
  });

  it('sorts by a whitelisted field in the order asked', async () => {
    const page = await controller.list(query({ sort: 'createdAt', order: 'desc' }));
    expect(page.items.map((item) => item.createdAt)).toEqual([
      '2026-12-01T12:00:00.000Z',
      '2026-12-01T11:00:00.000Z',
      '2026-12-01T10:00:00.000Z',
    ]);
  });

  it('refuses an update without any secret before calling the token service', async () => {
    await expect(controller.update({ componentAppid: 'wxaaaaaaaaaaaaaaaa' }, {})).rejects.toBeInstanceOf(
      ComponentsError,
    );
    expect(update).not.toHaveBeenCalled();
  });
});
