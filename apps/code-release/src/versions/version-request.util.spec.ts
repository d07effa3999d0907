import { CodeReleaseRpcErrorCodes } from '@wxop/contracts';

import { readAction, readCommit, readGray, readSubmit, SUBMIT_FIELDS } from './version-request.util';

const COMPONENT = 'wxc0000000000000001';
const APPID = 'wxa0000000000000001';

describe('version requests', () => {
  it('reads a commit with the configured component', () => {
    const { reader, ctx } = readAction(
      {
        authorizerAppid: APPID,
        actor: 'op:alice',
        templateId: 4,
        extJson: { ext: {} },
        userVersion: '1.0.0',
        userDesc: '',
      },
      COMPONENT,
      ['templateId', 'extJson', 'userVersion', 'userDesc'],
    );
    const order = readCommit(reader);
    reader.done();
    expect(ctx).toEqual({ componentAppid: COMPONENT, authorizerAppid: APPID, actor: 'op:alice' });
    expect(order).toEqual({ templateId: 4, extJson: { ext: {} }, userVersion: '1.0.0', userDesc: '' });
  });

  it('names every problem at once, unknown fields included', () => {
    const { reader } = readAction(
      { authorizerAppid: 'not an appid', extJson: '{}', colour: 'red' },
      undefined,
      ['templateId', 'extJson', 'userVersion', 'userDesc'],
    );
    readCommit(reader);
    let message = '';
    try {
      reader.done();
    } catch (error) {
      expect(error).toMatchObject({ code: CodeReleaseRpcErrorCodes.InvalidRequest });
      message = (error as Error).message;
    }
    for (const problem of [
      'unknown field colour',
      'componentAppid',
      'authorizerAppid',
      'actor is required',
      'templateId is required',
      'extJson must be an object',
      'userVersion is required',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it('refuses more than 5 audit items and items without a page', () => {
    const { reader } = readAction(
      { authorizerAppid: APPID, actor: 'a', itemList: [{ title: 'no page' }] },
      COMPONENT,
      SUBMIT_FIELDS,
    );
    readSubmit(reader);
    expect(() => reader.done()).toThrow(/itemList\[0\]\.address/);
    const six = readAction(
      { authorizerAppid: APPID, actor: 'a', itemList: Array.from({ length: 6 }, () => ({ address: 'p' })) },
      COMPONENT,
      SUBMIT_FIELDS,
    );
    readSubmit(six.reader);
    expect(() => six.reader.done()).toThrow(/1 to 5 items/);
  });

  it('accepts gray 0 only with an experiencer- or debugger-first release', () => {
    const zero = readAction({ authorizerAppid: APPID, actor: 'a', grayPercentage: 0 }, COMPONENT, [
      'grayPercentage',
    ]);
    readGray(zero.reader);
    expect(() => zero.reader.done()).toThrow(/grayPercentage 0/);
    const first = readAction(
      { authorizerAppid: APPID, actor: 'a', grayPercentage: 0, supportExperiencerFirst: true },
      COMPONENT,
      ['grayPercentage', 'supportExperiencerFirst'],
    );
    expect(readGray(first.reader)).toEqual({ grayPercentage: 0, supportExperiencerFirst: true });
    first.reader.done();
  });
});
