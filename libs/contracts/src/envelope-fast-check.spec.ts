import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { createEnvelope, EventEnvelopeDto } from './envelope';
import { outerFieldsSurelyValid, rawPushDataSurelyValid } from './envelope-fast-check';
import { envelopeViolations, eventSpecFor } from './event-registry';
import { RawPushData } from './events/raw-push.event';

/** envelopeViolations as it was before the fast path: class-validator for everything. */
function referenceViolations(value: Record<string, unknown>): string[] {
  const flatten = (errors: ValidationError[], prefix = ''): string[] =>
    errors.flatMap((error) => {
      const path = prefix ? `${prefix}.${error.property}` : error.property;
      return [
        ...Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`),
        ...flatten(error.children ?? [], path),
      ];
    });
  const violations = flatten(validateSync(plainToInstance(EventEnvelopeDto, value)));
  const spec = typeof value['type'] === 'string' ? eventSpecFor(value['type']) : undefined;
  if (!spec) return violations;
  if (spec.authorizer === 'required' && value['authorizerAppid'] === undefined)
    violations.push(`authorizerAppid: required for ${String(value['type'])}`);
  if (spec.authorizer === 'absent' && value['authorizerAppid'] !== undefined)
    violations.push(`authorizerAppid: must be absent for ${String(value['type'])}`);
  const data = value['data'];
  if (typeof data === 'object' && data !== null) {
    const instance = plainToInstance(spec.dataClass, data);
    violations.push(...flatten(validateSync(instance, { forbidUnknownValues: false }), 'data'));
  }
  return violations;
}

const base = (): Record<string, unknown> =>
  ({
    ...createEnvelope(
      'wechat.message.text',
      { ToUserName: 'gh_x', Content: '你好', raw: '<xml/>' },
      { componentAppid: 'wx_component', authorizerAppid: 'wx_authorizer', correlationId: 'c-1' },
    ),
  }) as Record<string, unknown>;

/** Values each field is tried with: valid ones, near misses, wrong types. */
const CANDIDATES: Record<string, unknown[]> = {
  id: [
    '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60',
    '3F1C2A9E-8B7D-4C6E-9F0A-1B2C3D4E5F60',
    '3f1c2a9e8b7d4c6e9f0a1b2c3d4e5f60',
    '',
    null,
    undefined,
    42,
    ['3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60'],
  ],
  type: [
    'wechat.message.text',
    'wechat.component.authorized',
    'authorization.authorized',
    'token.component.updated',
    'bench.forwarding.event',
    'Wechat.message',
    'wechat',
    'wechat..text',
    `a.${'b'.repeat(254)}`,
    `a.${'b'.repeat(252)}`,
    '',
    null,
    7,
  ],
  version: [1, 2, 0, '1', null, undefined, 1.0000001],
  occurredAt: [
    '2026-12-02T03:10:00.000Z',
    '2026-12-02T03:10:00Z',
    '2026-12-02T03:10:00.000+08:00',
    '2026-02-30T00:00:00.000Z',
    '2028-02-29T23:59:59.999Z',
    '2027-02-29T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    '2026-01-01T23:60:00.000Z',
    '2026-01-01T23:59:60.000Z',
    '2026-13-01T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '2026-12-02 03:10:00.000Z',
    '2026-12-02T03:10:00.000z',
    '2026-12-02',
    'yesterday',
    '',
    null,
    1764644000000,
  ],
  componentAppid: [
    'wx_component',
    'wx-comp_01',
    'a'.repeat(64),
    'a'.repeat(65),
    'wx comp',
    '组件',
    '',
    null,
    3,
  ],
  authorizerAppid: ['wx_authorizer', undefined, null, '', 'a'.repeat(65), 'wx/auth', 5],
  correlationId: ['c-1', undefined, null, '', 'x'.repeat(255), 'x'.repeat(256), '关联', 9],
  replayOf: [
    undefined,
    '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60',
    '3F1C2A9E-8B7D-4C6E-9F0A-1B2C3D4E5F60',
    null,
    '',
    'not-a-uuid',
  ],
  data: [
    { raw: '<xml/>' },
    { raw: '<xml/>', Content: '订单', nested: { a: 1 } },
    { raw: '' },
    { raw: 5 },
    { raw: null },
    {},
    { raw: 'x'.repeat(1024 * 1024) },
    { raw: 'x'.repeat(1024 * 1024 + 1) },
    { raw: '😀'.repeat(600_000) },
    [],
    null,
    'data',
    { test: true, note: 'sample' },
  ],
};

describe('envelope fast check (issue #14: class-validator left the hot path, every rejection kept)', () => {
  it('accepts a well-formed envelope without class-validator, and class-validator agrees', () => {
    const envelope = base();
    expect(outerFieldsSurelyValid(envelope)).toBe(true);
    expect(rawPushDataSurelyValid(envelope['data'] as Record<string, unknown>)).toBe(true);
    expect(envelopeViolations(envelope)).toEqual([]);
  });

  it.each(Object.keys(CANDIDATES))(
    'gives the same violations as class-validator for every value of %s',
    (field) => {
      for (const type of CANDIDATES['type']!) {
        for (const value of CANDIDATES[field]!) {
          const envelope = { ...base(), type, [field]: value };
          if (value === undefined) delete envelope[field];
          const reference = referenceViolations(envelope);
          // The fast path may only say yes where class-validator says yes.
          if (outerFieldsSurelyValid(envelope)) {
            expect({ field, value, outer: referenceViolations({ ...envelope, type: 'x.y' }) }).toEqual({
              field,
              value,
              outer: [],
            });
          }
          expect({ field, value, type, violations: envelopeViolations(envelope) }).toEqual({
            field,
            value,
            type,
            violations: reference,
          });
        }
      }
    },
  );

  it('never accepts an occurredAt that class-validator refuses (10,000 random near-ISO strings)', () => {
    let seed = 14;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const two = (n: number): string => String(n).padStart(2, '0');
    for (let i = 0; i < 10_000; i++) {
      const value =
        `${String(random(10_000)).padStart(4, '0')}-${two(random(14))}-${two(random(33))}` +
        `T${two(random(26))}:${two(random(62))}:${two(random(62))}.${String(random(1000)).padStart(3, '0')}Z`;
      const envelope = { ...base(), occurredAt: value };
      expect({ value, violations: envelopeViolations(envelope) }).toEqual({
        value,
        violations: referenceViolations(envelope),
      });
    }
  });

  it('checks raw push data only as RawPushData does', () => {
    for (const data of CANDIDATES['data']!.filter(
      (d) => typeof d === 'object' && d !== null && !Array.isArray(d),
    )) {
      const fast = rawPushDataSurelyValid(data as Record<string, unknown>);
      const reference = validateSync(plainToInstance(RawPushData, data), { forbidUnknownValues: false });
      if (fast) expect(reference).toEqual([]);
    }
  });
});
