import { leakedSecrets, runPlatformFlow, type PlatformRun } from '@wxop/testing';

/**
 * No credential in ingress's output, at debug level, over a whole authorization: it decrypts the
 * ticket and `authorized` pushes (ticket, auth code) with keys it asks the token service for.
 */
describe('ingress logs (whole flow at debug level)', () => {
  let run: PlatformRun;

  beforeAll(async () => {
    run = await runPlatformFlow();
  }, 180_000);

  afterAll(() => run?.stop(), 30_000);

  it('logged the flow: the lines searched are the real ones', () => {
    const output = run.output('ingress');
    expect(output).toContain(`/wechat/components/${run.componentAppid}/events`);
    expect(output).toContain('"level":"debug"');
  });

  it('never writes a credential the flow used, anywhere in its output', () => {
    expect(run.secrets.size).toBeGreaterThanOrEqual(12);
    expect(leakedSecrets(run, run.output('ingress'))).toEqual([]);
  });
});
