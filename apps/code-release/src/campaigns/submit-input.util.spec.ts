import { RequestReader } from '../shared/request.util';
import { parseCampaignSubmit, submitInput } from './submit-input.util';

const parse = (raw: unknown) => {
  const reader = new RequestReader({}, []);
  const submit = parseCampaignSubmit(reader, raw);
  return { submit, problems: reader.problemList() };
};

describe('campaign submit fields', () => {
  it('accepts an explicit itemList and ugcDeclare as the by-hand submit does', () => {
    const { submit, problems } = parse({
      versionDesc: 'v2',
      itemList: [
        { address: 'pages/index/index', firstClass: '工具', secondClass: '效率', firstId: 1, secondId: 2 },
      ],
      ugcDeclare: { scene: [1, 2], method: [1], hasAuditTeam: 1, auditDesc: 'we review' },
    });
    expect(problems).toEqual([]);
    expect(submit).toEqual({
      versionDesc: 'v2',
      itemList: [
        { address: 'pages/index/index', firstClass: '工具', secondClass: '效率', firstId: 1, secondId: 2 },
      ],
      ugcDeclare: { scene: [1, 2], method: [1], hasAuditTeam: 1, auditDesc: 'we review' },
    });
  });

  it('names every bad field under submit.', () => {
    const { problems } = parse({
      itemList: Array.from({ length: 6 }, () => ({ address: 'a' })),
      ugcDeclare: { scene: 'all' },
      privacyApiNotUse: 'yes',
      surprise: 1,
    });
    expect(problems).toEqual([
      'unknown field submit.surprise',
      'submit.privacyApiNotUse must be a boolean',
      'submit.itemList must be a list of 1 to 5 items',
      expect.stringMatching(/^submit\.ugcDeclare must be/),
    ]);
    expect(parse({ itemList: [] }).problems).toEqual(['submit.itemList must be a list of 1 to 5 items']);
    expect(parse({ itemList: [{ tag: 'x' }] }).problems).toEqual([
      'submit.itemList[0].address must be a page path',
    ]);
    expect(parse([]).problems).toEqual(['submit must be an object']);
  });

  it('builds the item from get_category/get_page when none is given, and never when one is', async () => {
    const built = [{ address: 'pages/home/home', firstClass: 'a', secondClass: 'b' }];
    let asked = 0;
    const defaults = async () => {
      asked += 1;
      return built;
    };
    expect(await submitInput({ versionDesc: 'v' }, defaults)).toEqual({ versionDesc: 'v', itemList: built });
    expect(asked).toBe(1);
    const explicit = [{ address: 'pages/x/x' }];
    expect(await submitInput({ itemList: explicit }, defaults)).toEqual({ itemList: explicit });
    expect(asked).toBe(1);
    expect(await submitInput({}, async () => [])).toEqual({ itemList: undefined });
  });
});
