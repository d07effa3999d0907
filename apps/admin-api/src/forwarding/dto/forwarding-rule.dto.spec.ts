import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import { CreateForwardingRuleDto, UpdateForwardingRuleDto } from './forwarding-rule.dto';

/** The fields refused, as the ValidationPipe (whitelist, unknown fields refused) would find them. */
async function refusedFields(type: new () => object, body: object): Promise<string[]> {
  const errors = await validate(plainToInstance(type, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((error) => error.property);
}

describe(UpdateForwardingRuleDto.name, () => {
  it('takes null for the component and authorizer filters (clearing them)', async () => {
    expect(
      await refusedFields(UpdateForwardingRuleDto, { componentAppid: null, authorizerAppid: null }),
    ).toEqual([]);
  });

  it('takes new filters, and refuses an empty or malformed one', async () => {
    expect(await refusedFields(UpdateForwardingRuleDto, { authorizerAppid: 'wx_auth-1' })).toEqual([]);
    expect(
      await refusedFields(UpdateForwardingRuleDto, { componentAppid: '', authorizerAppid: 'wx/a' }),
    ).toEqual(['componentAppid', 'authorizerAppid']);
  });

  it('refuses null for the fields a rule cannot be without', async () => {
    expect(
      await refusedFields(UpdateForwardingRuleDto, {
        name: null,
        eventPattern: null,
        targetUrl: null,
        enabled: null,
        concurrency: null,
      }),
    ).toEqual(['name', 'eventPattern', 'targetUrl', 'enabled', 'concurrency']);
  });

  it('takes an empty change and leaves absent fields undefined', async () => {
    const dto = plainToInstance(UpdateForwardingRuleDto, { enabled: false });
    expect(await validate(dto)).toEqual([]);
    expect(dto.name).toBeUndefined();
    expect(dto.componentAppid).toBeUndefined();
  });
});

describe(CreateForwardingRuleDto.name, () => {
  it('needs only a name, a pattern and a target (enabled and concurrency have server defaults)', async () => {
    expect(
      await refusedFields(CreateForwardingRuleDto, {
        name: 'billing',
        eventPattern: 'authorization.*',
        targetUrl: 'https://hooks.example.com/wxop',
      }),
    ).toEqual([]);
  });
});
