import { leakedSecrets, runPlatformFlow, type PlatformRun } from '@wxop/testing';

/**
 * No credential in the authorizer's output, at debug level, over a whole authorization: its
 * landing page receives the auth code in its query string, and it asks for the pre-auth code.
 * wechat-sim's output is checked here too: it has no integration tier of its own, and it logs
 * through the same libs/observability.
 */
describe('authorizer logs (whole flow at debug level)', () => {
  let run: PlatformRun;

  beforeAll(async () => {
    run = await runPlatformFlow();
  }, 180_000);

  afterAll(() => run?.stop(), 30_000);

  it('logged the flow: the lines searched are the real ones', () => {
    const output = run.output('authorizer');
    expect(output).toMatch(/"url":"\/authorized\/[^"?]+\?auth_code=\[REDACTED\]/);
    expect(output).toContain('"level":"debug"');
  });

  it('never writes a credential the flow used, anywhere in its output', () => {
    expect(run.secrets.size).toBeGreaterThanOrEqual(12);
    expect(leakedSecrets(run, run.output('authorizer'))).toEqual([]);
  });

  it('wechat-sim, which issued every one of them, does not log them either', () => {
    expect(run.output('wechat-sim')).toContain('/cgi-bin/componentloginpage');
    expect(leakedSecrets(run, run.output('wechat-sim'))).toEqual([]);
  });
});
