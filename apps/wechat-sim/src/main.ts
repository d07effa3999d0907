import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';

import { WechatSimConfig } from './config/wechat-sim.config';
import { SimControlService } from './control/sim-control.service';
import { PushService } from './pushes/push.service';
import type { Platform } from './sim/sim-state';
import { createSimApp } from './sim-app';

async function bootstrap(): Promise<void> {
  const { sim } = loadConfig({ sim: WechatSimConfig });
  const app = await createSimApp();
  await app.listen(sim.SIM_HTTP_PORT, sim.SIM_HTTP_HOST);
  const base =
    sim.SIM_PUBLIC_URL ??
    `http://${sim.SIM_HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : sim.SIM_HTTP_HOST}:${sim.SIM_HTTP_PORT}`;
  const logger = new Logger('wechat-sim');
  if (sim.SIM_SEED_DEMO) {
    const { platform, accounts } = app.get(SimControlService).seedDemo(sim.SIM_DEMO_PUSH_BASE_URL);
    logger.log({
      msg: 'demo platform seeded',
      componentAppid: platform.appid,
      authEventUrl: platform.authEventUrl,
      messageUrl: platform.messageUrl,
      accounts: accounts.map((a) => `${a.appid} ${a.type} ${a.nickName}`),
    });
    void deliverFirstTicket(app.get(PushService), platform, logger);
  }
  logger.log({
    msg: 'wechat-sim ready',
    apiBaseUrl: base,
    mpBaseUrl: base,
    controlApi: `${base}/sim`,
    hint: `set WECHAT_API_BASE_URL=${base} and WECHAT_MP_BASE_URL=${base} in the apps`,
  });
}

/**
 * `npm start` starts every app at once, so the demo's first ticket (pushed at seeding) usually
 * finds ingress not listening yet, and the next one would come only after ticketIntervalSeconds.
 * Until one is delivered, a ticket is pushed every 3 s (for 2 minutes at most).
 */
async function deliverFirstTicket(pushes: PushService, platform: Platform, logger: Logger): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    if (
      pushes
        .records({ platformAppid: platform.appid, type: 'component_verify_ticket' })
        .some((r) => r.delivered)
    )
      return;
    await pushes.pushTicket(platform);
  }
  logger.warn({
    msg: 'the demo platform could not deliver a ticket to its push URL',
    authEventUrl: platform.authEventUrl,
  });
}

void bootstrap();
