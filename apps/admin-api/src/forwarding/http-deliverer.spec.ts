import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HttpDeliverer, RESPONSE_HEAD_BYTES } from './http-deliverer';
import { SsrfGuard } from './ssrf-guard';

describe(HttpDeliverer.name, () => {
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      hits++;
      if (request.url === '/redirect') {
        response.writeHead(302, { location: '/ok' }).end();
      } else if (request.url === '/big') {
        response.writeHead(200).end('x'.repeat(5000));
      } else {
        response.writeHead(200).end('ok');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  describe('post', () => {
    it('refuses a host name resolving to loopback at connect time, without reaching it', async () => {
      const sut = new HttpDeliverer(new SsrfGuard({ allowPrivate: false, allowedCidrs: [] }), {
        timeoutMs: 2000,
      });
      const before = hits;
      const outcome = await sut.post(`http://localhost:${port}/ok`, '{}', {});
      await sut.close();
      expect(outcome.delivered).toBe(false);
      expect(outcome.error).toMatch(/target refused/);
      expect(hits).toBe(before);
    });

    it('refuses a loopback IP literal before connecting', async () => {
      const sut = new HttpDeliverer(new SsrfGuard({ allowPrivate: false, allowedCidrs: [] }), {
        timeoutMs: 2000,
      });
      const outcome = await sut.post(`http://127.0.0.1:${port}/ok`, '{}', {});
      await sut.close();
      expect(outcome).toMatchObject({ delivered: false, error: expect.stringMatching(/target refused/) });
    });

    it('does not follow a redirect, keeps the first KiB of a response, delivers a 2xx', async () => {
      const sut = new HttpDeliverer(new SsrfGuard({ allowPrivate: true, allowedCidrs: [] }), {
        timeoutMs: 2000,
      });
      const redirected = await sut.post(`http://localhost:${port}/redirect`, '{}', {});
      const big = await sut.post(`http://127.0.0.1:${port}/big`, '{}', {});
      await sut.close();
      expect(redirected).toMatchObject({ delivered: false, statusCode: 302 });
      expect(big).toMatchObject({ delivered: true, statusCode: 200 });
      expect(big.responseHead).toHaveLength(RESPONSE_HEAD_BYTES);
    });
  });

  describe('refusal', () => {
    it('refuses other schemes and credentials in the URL', async () => {
      const sut = new HttpDeliverer(new SsrfGuard({ allowPrivate: true, allowedCidrs: [] }), {
        timeoutMs: 2000,
      });
      expect(await sut.refusal('ftp://example.com/x')).toMatch(/only http and https/);
      expect(await sut.refusal('http://user:pw@example.com/x')).toMatch(/credentials/);
      await sut.close();
    });
  });
});
