import autocannon from 'autocannon';

import { round, startServerProcess, type Bench } from './bench.util';

const CONNECTIONS = 50;
const DURATION_S = 8;
const AUTHORIZERS = 1000;

/** The same exchange without any framework: read the body, parse JSON, answer a token-sized JSON. */
const BASELINE_SERVER = `
const http = require('node:http');
const { randomBytes } = require('node:crypto');
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c)).on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const out = JSON.stringify({ authorizer_access_token: 'at_' + randomBytes(75).toString('base64url'), expires_in: 7200, authorizer_refresh_token: String(body.authorizer_refresh_token) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(out);
  });
}).listen(Number(process.argv[1]), '127.0.0.1', () => process.send('ready'));
`;

async function json<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as T;
}

function load(url: string, bodies: string[]): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    method: 'POST',
    requests: [
      { method: 'POST', setupRequest: (request) => ({ ...request, body: bodies[i++ % bodies.length] }) },
    ],
  });
}

/**
 * wechat-sim must never be the bottleneck: api_authorizer_token (the call the token service makes
 * most) over loopback, 50 connections, against a bare node:http server doing the same exchange.
 */
const run: Bench = async () => {
  const simPort = 39_100 + Math.floor(Math.random() * 500);
  const basePort = simPort + 600;
  const sim = await startServerProcess(
    ['scripts/run-ts.cjs', 'apps/wechat-sim/src/main.ts'],
    {
      SIM_HTTP_PORT: String(simPort),
      SIM_DAILY_QUOTA: '1000000000',
      LOG_LEVEL: 'warn',
    },
    `http://127.0.0.1:${simPort}/health/live`,
  );
  const baseline = await startServerProcess(['-e', BASELINE_SERVER, String(basePort)], {});
  try {
    const simUrl = `http://127.0.0.1:${simPort}`;
    const platform = await json<{ appid: string; secret: string; currentTicket: string }>(
      `${simUrl}/sim/platforms`,
      'POST',
      { startTickets: true },
    );
    await json(`${simUrl}/sim/accounts`, 'POST', { count: AUTHORIZERS, type: 'mini_program' });
    const bulk = await json<{ authorizations: { authorizerAppid: string; refreshToken: string }[] }>(
      `${simUrl}/sim/platforms/${platform.appid}/authorizations/bulk`,
      'POST',
      {},
    );
    const token = await json<{ component_access_token: string }>(
      `${simUrl}/cgi-bin/component/api_component_token`,
      'POST',
      {
        component_appid: platform.appid,
        component_appsecret: platform.secret,
        component_verify_ticket: platform.currentTicket,
      },
    );
    const bodies = bulk.authorizations.map((a) =>
      JSON.stringify({
        component_appid: platform.appid,
        authorizer_appid: a.authorizerAppid,
        authorizer_refresh_token: a.refreshToken,
      }),
    );
    const path = `/cgi-bin/component/api_authorizer_token?component_access_token=${encodeURIComponent(token.component_access_token)}`;
    // warm up both, then measure
    await autocannon({
      url: `${simUrl}${path}`,
      connections: 10,
      duration: 2,
      method: 'POST',
      body: bodies[0],
    });
    const simResult = await load(`${simUrl}${path}`, bodies);
    const baseResult = await load(`http://127.0.0.1:${basePort}${path}`, bodies);
    const check = await json<{ errcode?: number }>(`${simUrl}${path}`, 'POST', JSON.parse(bodies[1]!));
    if (check.errcode) throw new Error(`the simulator answered errcode ${check.errcode} after the load`);
    const errors = simResult.errors + simResult.non2xx + simResult.timeouts;

    const opsPerSec = simResult.requests.average;
    const baselineOpsPerSec = baseResult.requests.average;
    const ratio = opsPerSec / baselineOpsPerSec;
    console.log(
      `wechat-sim: api_authorizer_token over loopback, ${CONNECTIONS} connections, ${DURATION_S} s, ${AUTHORIZERS} authorizers`,
    );
    console.log(
      `  wechat-sim        ${Math.round(opsPerSec).toLocaleString('en')} req/s   p50 ${simResult.latency.p50} ms   p99 ${simResult.latency.p99} ms   errors ${errors}`,
    );
    console.log(
      `  bare node:http    ${Math.round(baselineOpsPerSec).toLocaleString('en')} req/s   p50 ${baseResult.latency.p50} ms   p99 ${baseResult.latency.p99} ms`,
    );
    console.log(`  ratio             ${ratio.toFixed(3)}   (bar: wechat-sim ≥ 3,000 req/s)`);
    return {
      figures: {
        endpoint: 'cgi-bin/component/api_authorizer_token',
        connections: CONNECTIONS,
        opsPerSec: Math.round(opsPerSec),
        baselineOpsPerSec: Math.round(baselineOpsPerSec),
        ratio: round(ratio),
        p50Ms: simResult.latency.p50,
        p99Ms: simResult.latency.p99,
        baselineP99Ms: baseResult.latency.p99,
        errors,
      },
      bar: 'opsPerSec >= 3000 and no errors',
      passed: opsPerSec >= 3000 && errors === 0,
    };
  } finally {
    sim.kill('SIGTERM');
    baseline.kill('SIGTERM');
  }
};

export default run;
