import { RequestReader } from '../shared/request.util';
import { parseCreateCampaign } from './campaign-request.util';
import { parseTargetFilter, parseValues, TargetValuesError, withValues } from './target-filter.util';

const reader = () => new RequestReader({}, []);

describe('campaign target filters', () => {
  it('reads a bizRef prefix or list, always over mini programs', () => {
    const r = reader();
    expect(parseTargetFilter(r, { bizRefPrefix: 'shop-' })).toEqual({
      authorizerType: 'mini_program',
      bizRefPrefix: 'shop-',
    });
    expect(parseTargetFilter(r, { authorizerType: 'mini_program', bizRefs: ['a', 'b', 'a'] })).toEqual({
      authorizerType: 'mini_program',
      bizRefs: ['a', 'b'],
    });
    expect(r.problemList()).toEqual([]);
  });

  it('refuses a filter naming both, neither, other account types or unknown fields', () => {
    const r = reader();
    parseTargetFilter(r, { bizRefPrefix: 'a', bizRefs: ['b'] });
    parseTargetFilter(r, {});
    parseTargetFilter(r, { authorizerType: 'official_account', bizRefPrefix: 'a', status: 'x' });
    parseTargetFilter(r, { bizRefs: [] });
    parseTargetFilter(r, 'shop-');
    expect(r.problemList()).toEqual([
      'targetFilter needs one of bizRefs and bizRefPrefix',
      'targetFilter needs one of bizRefs and bizRefPrefix',
      'unknown field targetFilter.status',
      'targetFilter.authorizerType must be mini_program (only mini programs have code)',
      'targetFilter.bizRefs must be a list of 1 to 1000 references of 1 to 128 characters',
      'targetFilter must be an object',
    ]);
  });

  it('takes targets or targetFilter on create, never both, and one of them', () => {
    const base = { templateId: 1, userVersion: '1.0.0', userDesc: 'notes', extJson: {}, requestedBy: 'op' };
    const parsed = parseCreateCampaign(
      { ...base, targetFilter: { bizRefPrefix: 'shop-' } },
      'wx7777777777777777',
    );
    expect(parsed.targets).toEqual([]);
    expect(parsed.targetFilter).toEqual({ authorizerType: 'mini_program', bizRefPrefix: 'shop-' });
    expect(() =>
      parseCreateCampaign(
        {
          ...base,
          targets: [{ authorizerAppid: 'wx0000000000000001' }],
          targetFilter: { bizRefPrefix: 's' },
        },
        'wx7777777777777777',
      ),
    ).toThrow('targets and targetFilter exclude each other');
    expect(() => parseCreateCampaign(base, 'wx7777777777777777')).toThrow(
      'targets or targetFilter is required',
    );
  });

  it('merges operator values per appid into the frozen targets, a target’s own values winning', () => {
    const targets = [
      { authorizerAppid: 'wx0000000000000001', bizRef: 's1', nickName: 'A', variables: { shopId: 'own' } },
      { authorizerAppid: 'wx0000000000000002', bizRef: 's2', nickName: 'B', variables: null },
    ];
    const merged = withValues(targets, {
      wx0000000000000001: { shopId: 'given', city: 'SZ' },
      wx0000000000000002: { shopId: '2' },
    });
    expect(merged.map((target) => target.variables)).toEqual([
      { shopId: 'own', city: 'SZ' },
      { shopId: '2' },
    ]);
    expect(() => withValues(targets, { wx0000000000000009: { a: 'b' } })).toThrow(TargetValuesError);
    const r = reader();
    parseValues(r, { 'not an appid': {}, wx0000000000000001: { a: 1 } });
    expect(r.problemList()).toEqual([
      'values: not an appid is not an appid',
      'values.wx0000000000000001 must map names to strings of at most 1024',
    ]);
  });
});
