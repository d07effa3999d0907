import { Writable } from 'node:stream';

import { AppLogger } from './app-logger';
import { createPinoLogger } from './logging';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { sut: new AppLogger(createPinoLogger({ serviceName: 'svc', level, destination })), lines };
}

describe(AppLogger.name, () => {
  describe('log', () => {
    it.each(['RoutesResolver', 'RouterExplorer', 'InstanceLoader', 'NestFactory', 'NestApplication'])(
      "writes Nest's %s start-up lines at debug, so an info log starts with what matters",
      (context) => {
        const info = capture('info');
        info.sut.log('Mapped {/v1/x, GET} route', context);
        expect(info.lines).toEqual([]);
        const debug = capture('debug');
        debug.sut.log('Mapped {/v1/x, GET} route', context);
        expect(debug.lines).toMatchObject([{ level: 'debug', context, msg: 'Mapped {/v1/x, GET} route' }]);
      },
    );

    it("keeps the app's own lines at info", () => {
      const { sut, lines } = capture('info');
      sut.log({ msg: 'token service ready', port: 3200 }, 'token');
      expect(lines).toMatchObject([
        { level: 'info', context: 'token', msg: 'token service ready', port: 3200 },
      ]);
    });
  });

  describe('error', () => {
    it('censors credentials in the message and the stack Nest passes', () => {
      const { sut, lines } = capture('info');
      sut.error(
        'request to /cgi-bin/x?access_token=AT-1 failed',
        'Error: request to /cgi-bin/x?access_token=AT-1 failed\n    at x (y.ts:1:1)',
        'ExceptionsHandler',
      );
      expect(JSON.stringify(lines)).not.toContain('AT-1');
      expect(lines).toMatchObject([{ level: 'error', context: 'ExceptionsHandler' }]);
    });
  });
});
