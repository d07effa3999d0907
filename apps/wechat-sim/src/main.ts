import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';

import { WechatSimConfig } from './config/wechat-sim.config';
import { SimControlService } from './control/sim-control.service';
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
  }
  logger.log({
    msg: 'wechat-sim ready',
    apiBaseUrl: base,
    mpBaseUrl: base,
    controlApi: `${base}/sim`,
    hint: `set WECHAT_API_BASE_URL=${base} and WECHAT_MP_BASE_URL=${base} in the apps`,
  });
}

void bootstrap();
