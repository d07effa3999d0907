import { Controller, Get, Logger, Module, Query } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Writable } from 'node:stream';

import { AppLogger } from './app-logger';
import { currentCorrelationId, enableCorrelationContext, runWithCorrelationId } from './correlation';
import { HealthRegistry } from './health-registry';
import { createFastifyAdapter } from './http';
import { redactUrl } from './redaction';
import { MetricsService } from './metrics.service';
import { ObservabilityModule } from './observability.module';

const lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    callback();
  },
});

@Controller('demo')
class DemoController {
  private readonly logger = new Logger(DemoController.name);

  constructor(private readonly metrics: MetricsService) {}

  @Get()
  demo(@Query('access_token') _token: string): { correlationId: string | undefined } {
    this.metrics.counter('wxop_demo_total', 'demo calls', ['result']).inc({ result: 'ok' });
    this.logger.log({
      msg: 'credential seen',
      accessToken: 'AT-SECRET',
      nested: { refreshToken: 'RT-SECRET' },
      componentSecret: 'CS',
    });
    return { correlationId: currentCorrelationId() };
  }
}

@Module({
  imports: [
    ObservabilityModule.forRoot({
      serviceName: 'demo',
      level: 'info',
      destination,
      correlationContext: true,
    }),
  ],
  controllers: [DemoController],
})
class DemoModule {}

describe(ObservabilityModule.name, () => {
  let app: NestFastifyApplication;
  let registry: HealthRegistry;
  let brokerUp = true;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [DemoModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
      bufferLogs: true,
    });
    app.useLogger(app.get(AppLogger));
    registry = app.get(HealthRegistry);
    registry.register('database', () => undefined);
    registry.register('broker', () => {
      if (!brokerUp) throw new Error('not connected to RabbitMQ');
    });
    registry.register('ticket', () => ({ state: 'refused', errcode: 61006 }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('answers /health/live', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok' });
  });

  it('answers /health/ready with every registered check, 503 naming the one that fails', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    brokerUp = false;
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    brokerUp = true;
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'error',
      error: { broker: { status: 'down', message: 'not connected to RabbitMQ' } },
      info: { database: { status: 'up' } },
    });
  });

  it('shows the details a check returns in its /health/ready entry, staying up', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      details: { ticket: { status: 'up', state: 'refused', errcode: 61006 } },
    });
  });

  it('makes a correlation id when the caller sends none or a hostile one', async () => {
    const none = await app.inject({ method: 'GET', url: '/demo' });
    expect(none.json<{ correlationId: string }>().correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await app.inject({
      method: 'GET',
      url: '/demo',
      headers: { 'x-correlation-id': 'a\nb"<script>' },
    });
    expect(hostile.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics with the service label', async () => {
    await app.inject({ method: 'GET', url: '/demo' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/wxop_demo_total\{result="ok",service="demo"\} \d+/);
    expect(response.body).toContain('process_cpu_user_seconds_total');
  });

  it('logs JSON with the caller’s correlation id and redacts credentials everywhere', async () => {
    lines.length = 0;
    const response = await app.inject({
      method: 'GET',
      url: '/demo?access_token=URL-SECRET&x=1',
      headers: { 'x-correlation-id': 'corr-42', authorization: 'Bearer HEADER-SECRET' },
    });
    expect(response.json()).toEqual({ correlationId: 'corr-42' });
    expect(response.headers['x-correlation-id']).toBe('corr-42');
    const text = JSON.stringify(lines);
    for (const secret of ['AT-SECRET', 'RT-SECRET', 'URL-SECRET', 'HEADER-SECRET', '"CS"'])
      expect(text).not.toContain(secret);
    const appLine = lines.find((line) => line['msg'] === 'credential seen')!;
    expect(appLine).toMatchObject({
      service: 'demo',
      level: 'info',
      accessToken: '[REDACTED]',
      context: 'DemoController',
    });
    const requestLine = lines.find((line) => line['msg'] === 'request completed')!;
    expect(requestLine).toMatchObject({ correlationId: 'corr-42' });
    expect(JSON.stringify(requestLine)).toContain('access_token=[REDACTED]&x=1');
    expect(requestLine).toMatchObject({ res: { statusCode: 200 }, req: { method: 'GET' } });
    expect(
      lines.some((line) =>
        String((line['req'] as { url?: string } | undefined)?.url ?? '').startsWith('/health'),
      ),
    ).toBe(false);
  });

  it('censors the codes of the landing page in its request line', async () => {
    lines.length = 0;
    await app.inject({
      method: 'GET',
      url: '/demo?auth_code=queryauthcode@@@AC-1&expires_in=3600&code=C-1&pre_auth_code=PAC-1',
    });
    const requestLine = lines.find((line) => line['msg'] === 'request completed')!;
    expect(requestLine).toMatchObject({
      req: {
        url: '/demo?auth_code=[REDACTED]&expires_in=3600&code=[REDACTED]&pre_auth_code=[REDACTED]',
      },
    });
    for (const secret of ['AC-1', 'C-1', 'PAC-1']) expect(JSON.stringify(lines)).not.toContain(secret);
  });
});

describe(runWithCorrelationId.name, () => {
  afterAll(() => enableCorrelationContext(true));

  it('runs the callback without a context when the context is off (the default)', () => {
    enableCorrelationContext(false);
    expect(runWithCorrelationId('abc', () => currentCorrelationId())).toBeUndefined();
    enableCorrelationContext(true);
  });

  it('scopes the id to the callback, across awaits', async () => {
    expect(currentCorrelationId()).toBeUndefined();
    await runWithCorrelationId('abc', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentCorrelationId()).toBe('abc');
    });
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('makes an id when none is given', () => {
    runWithCorrelationId(undefined, () => expect(currentCorrelationId()).toMatch(/^[0-9a-f-]{36}$/));
  });
});

describe(redactUrl.name, () => {
  it('removes token query parameters only', () => {
    expect(redactUrl('/cgi-bin/x?component_access_token=abc&a=1&access_token=def')).toBe(
      '/cgi-bin/x?component_access_token=[REDACTED]&a=1&access_token=[REDACTED]',
    );
  });
});
