import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type { AuthorizationLinkReply } from '@wxop/contracts';
import { authorizeHref, confirmForm, freePort, waitUntil, type SimProcess } from '@wxop/testing';

export { authorizeHref, confirmForm, freePort };

const ROOT = join(__dirname, '..', '..', '..');

/** Starts a TypeScript entry of the workspace as a process (LOG_LEVEL warn) and waits until `readyUrl` answers. */
export async function startProcess(
  entry: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['scripts/run-ts.cjs', entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntil(
    () =>
      fetch(readyUrl).then(
        (r) => r.ok,
        () => false,
      ),
    // Generous: under CI's parallel tiers on 2 cores a cold start through SWC can take half a minute.
    90_000,
    `${entry} to be ready`,
  );
  return child;
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The merchant opens the link's start page, follows it to WeChat's page (the simulator) and presses
 * "Authorize" for one account; answers the landing page URL WeChat redirects the browser to.
 */
export async function confirmOnWechat(
  sim: SimProcess,
  link: AuthorizationLinkReply,
  authorizerAppid: string,
): Promise<string> {
  const start = await fetch(link.startUrl);
  if (start.status !== 200) throw new Error(`start page answered ${start.status}`);
  const wechatPage = await fetch(authorizeHref(await start.text()));
  const form = confirmForm(await wechatPage.text(), authorizerAppid);
  const confirmed = await fetch(`${sim.url}/cgi-bin/componentloginpage/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  if (confirmed.status !== 302) throw new Error(`WeChat's confirm answered ${confirmed.status}`);
  return confirmed.headers.get('location')!;
}

/**
 * Stands between wechat-sim and ingress on the 授权事件接收URL, so a test can hold WeChat's push
 * back (redirect before push) and let it through later.
 */
export class PushGate {
  private holding = false;
  private readonly held: (() => void)[] = [];
  private readonly server: Server;

  private constructor(
    readonly url: string,
    target: string,
  ) {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const forward = () => {
          const upstream = httpRequest(
            `${target}${req.url}`,
            { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
            (answer) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          upstream.on('error', () => res.writeHead(502).end());
          upstream.end(Buffer.concat(chunks));
        };
        if (this.holding) this.held.push(forward);
        else forward();
      });
    });
  }

  static async start(target: string): Promise<PushGate> {
    const port = await freePort();
    const gate = new PushGate(`http://127.0.0.1:${port}`, target);
    await new Promise<void>((resolve) => gate.server.listen(port, '127.0.0.1', resolve));
    return gate;
  }

  get heldCount(): number {
    return this.held.length;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const forward of this.held.splice(0)) forward();
  }

  close(): Promise<void> {
    this.release();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
