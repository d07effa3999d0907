import { Writable } from 'node:stream';

import { createPinoLogger } from './logging';

/** A logger whose lines land in `text`, as the process's stdout would hold them. */
function capture(format?: 'json' | 'pretty') {
  const out = { text: '' };
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.text += chunk.toString('utf8');
      callback();
    },
  });
  const sut = createPinoLogger({ serviceName: 'svc', level: 'debug', destination, format });
  return { sut, out };
}

describe(createPinoLogger.name, () => {
  it('censors a credential inside the message itself', () => {
    const { sut, out } = capture();
    sut.warn('GET /authorized/L1?auth_code=AC-1 failed');
    expect(out.text).not.toContain('AC-1');
    expect(JSON.parse(out.text)).toMatchObject({ msg: 'GET /authorized/L1?auth_code=[REDACTED] failed' });
  });

  it('censors an error logged alone, with its message, stack and causes', () => {
    const { sut, out } = capture();
    const cause = new Error('connect ECONNREFUSED http://sim/cgi-bin/token?access_token=AT-2');
    sut.error(new Error('POST body {"component_verify_ticket":"T-2"} refused', { cause }));
    for (const secret of ['AT-2', 'T-2']) expect(out.text).not.toContain(secret);
    const line = JSON.parse(out.text) as { msg: string; err: { message: string; cause: { stack: string } } };
    expect(line.msg).toBe('POST body {"component_verify_ticket":"[REDACTED]"} refused');
    expect(line.err.cause.stack).toContain('access_token=[REDACTED]');
  });

  it('censors fields by name at any depth, and errors under any field name', () => {
    const { sut, out } = capture();
    const wechatError = Object.assign(
      new Error('cgi-bin/component/api_query_auth?component_access_token=CAT-3 answered errcode -1'),
      { errcode: -1, endpoint: 'cgi-bin/component/api_query_auth?component_access_token=CAT-3' },
    );
    sut.info({
      msg: 'exchange failed',
      failure: wechatError,
      push: { fields: { AuthorizationCode: 'AC-3', PreAuthCode: 'PAC-3', AuthorizerAppid: 'wx1' } },
      headers: { authorization: 'Bearer KEY-3', 'x-api-key': 'KEY-4' },
      componentSecret: 'CS-3',
    });
    for (const secret of ['CAT-3', 'AC-3', 'PAC-3', 'KEY-3', 'KEY-4', 'CS-3'])
      expect(out.text).not.toContain(secret);
    expect(JSON.parse(out.text)).toMatchObject({
      failure: { type: 'Error', errcode: -1 },
      push: { fields: { AuthorizerAppid: 'wx1' } },
    });
  });

  it('writes pretty lines, still censored, when asked', () => {
    const { sut, out } = capture('pretty');
    sut.info({ msg: 'token refreshed', context: 'Tokens', authorizerAppid: 'wx1', accessToken: 'AT-5' });
    expect(out.text).not.toContain('AT-5');
    expect(out.text).toContain('[svc/Tokens] token refreshed');
    expect(out.text).toContain('"authorizerAppid":"wx1"');
    expect(out.text.trimEnd().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(out.text) as unknown).toThrow();
  });
});
