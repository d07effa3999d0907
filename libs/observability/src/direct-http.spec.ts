import { Writable } from 'node:stream';

import { logRequestLine } from './direct-http';
import { createPinoLogger } from './logging';

describe(logRequestLine.name, () => {
  it('writes the request line of a bare-HTTP route with its credentials censored', () => {
    let text = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString('utf8');
        callback();
      },
    });
    const logger = createPinoLogger({ serviceName: 'svc', level: 'info', destination });
    logRequestLine(
      logger,
      { method: 'POST', url: '/wechat/components/wx1/events?signature=s&echostr=E-1&access_token=AT-1' },
      200,
      'corr-1',
      1.234,
    );
    expect(text).not.toContain('E-1');
    expect(text).not.toContain('AT-1');
    expect(JSON.parse(text)).toMatchObject({
      level: 'info',
      correlationId: 'corr-1',
      req: {
        method: 'POST',
        url: '/wechat/components/wx1/events?signature=s&echostr=[REDACTED]&access_token=[REDACTED]',
      },
      res: { statusCode: 200 },
      responseTimeMs: 1.2,
    });
  });
});
