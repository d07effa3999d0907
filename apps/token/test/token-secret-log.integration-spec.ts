import { leakedSecrets, runPlatformFlow, type PlatformRun } from '@wxop/testing';

/**
 * No credential in the token service's output, at debug level, over a whole authorization
 * (libs/testing runPlatformFlow: every app a process, a merchant on WeChat's page, reads over
 * HTTP and RPC, a proxied call). The token service holds or passes every one of them.
 */
describe('token service logs (whole flow at debug level)', () => {
  let run: PlatformRun;

  beforeAll(async () => {
    run = await runPlatformFlow();
  }, 180_000);

  afterAll(() => run?.stop(), 30_000);

  it('logged the flow: the lines searched are the real ones', () => {
    const output = run.output('token');
    expect(output).toContain('component token refreshed');
    expect(output).toContain('auth code exchanged');
    expect(output).toContain('"level":"debug"');
    expect(output).toContain(`/authorizers/${run.authorizerAppid}/proxy/cgi-bin/message/custom/send`);
  });

  it('never writes a credential the flow used, anywhere in its output', () => {
    expect(run.secrets.size).toBeGreaterThanOrEqual(12);
    expect(leakedSecrets(run, run.output('token'))).toEqual([]);
  });
});
