import { Controller, Module, type INestApplication } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  createEnvelope,
  DomainEventTypes,
  TokenRpcErrorCodes,
  TokenRpcPatterns,
  type ComponentKeys,
  type GetComponentKeysRequest,
} from '@wxop/contracts';
import { AmqpRpcServer, MessagingModule, RpcError } from '@wxop/messaging';
import {
  BrokerProbe,
  deleteBrokerObjects,
  publishTestEvent,
  sleep,
  startNestContext,
  testEnv,
  uniqueRunId,
} from '@wxop/testing';
import { WechatCrypto } from '@wxop/wechat-crypto';

import { push, startIngress, type StartedIngress } from './ingress-test.util';

const namespace = `${uniqueRunId()}.`;
/** A component ingress has no bootstrap variables for: its keys come from the token service. */
const COMPONENT = 'wx2222222222222222';
const FIRST = { token: 'first-token', encodingAESKey: 'A'.repeat(43) };
const SECOND = { token: 'second-token', encodingAESKey: 'B'.repeat(43) };
const keys = new Map<string, { token: string; encodingAESKey: string }>();

/** Answers `token.component-keys.get` as the token service does (its own suite tests the real one). */
@Controller()
class TokenServiceKeys {
  @MessagePattern(TokenRpcPatterns.GetComponentKeys)
  get(@Payload() request: GetComponentKeysRequest): ComponentKeys {
    const found = keys.get(request.componentAppid);
    if (!found) throw new RpcError(TokenRpcErrorCodes.ComponentNotFound, 'unknown component');
    return { componentAppid: request.componentAppid, ...found };
  }
}

const cryptoOf = (k: { token: string; encodingAESKey: string }) =>
  new WechatCrypto({ appid: COMPONENT, ...k });
const ticket = (value: string) =>
  `<xml><AppId><![CDATA[${COMPONENT}]]></AppId><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[${value}]]></ComponentVerifyTicket></xml>`;
const pushWith = (ingress: StartedIngress, k: { token: string; encodingAESKey: string }, value: string) => {
  const crypto = cryptoOf(k);
  return push(ingress.url, `/wechat/components/${COMPONENT}/events`, ticket(value), {
    signWith: crypto,
    encryptWith: crypto,
    outer: (encrypt) =>
      `<xml><AppId><![CDATA[${COMPONENT}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  });
};

describe('ingress with keys from the token service (RPC token.component-keys.get)', () => {
  let ingress: StartedIngress;
  let tokenService: INestApplication;
  let probe: BrokerProbe;

  beforeAll(async () => {
    @Module({
      imports: [MessagingModule.forRoot({ url: testEnv.rabbitUrl, serviceName: 'token', namespace })],
      controllers: [TokenServiceKeys],
    })
    class FakeTokenModule {}
    tokenService = await startNestContext(FakeTokenModule);
    tokenService.connectMicroservice(
      { strategy: tokenService.get(AmqpRpcServer) },
      { inheritAppConfig: true },
    );
    await tokenService.startAllMicroservices();
    probe = await BrokerProbe.bind(['wechat.#'], { namespace });
    ingress = await startIngress(namespace, { INGRESS_KEYS_CACHE_SECONDS: '3600' });
  });

  afterAll(async () => {
    await ingress?.close();
    await tokenService?.close();
    await probe?.close();
    await deleteBrokerObjects({
      exchanges: [`${namespace}wxop.events`, `${namespace}wxop.rpc`],
      queues: [`${namespace}token.rpc`],
    });
  });

  it('answers 404 for a component the token service does not know', async () => {
    const response = await pushWith(ingress, FIRST, 'ticket@@@unknown');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'UNKNOWN_COMPONENT' });
  });

  it('verifies with the fetched keys, keeps them cached, and drops them when token.component.updated says they changed', async () => {
    keys.set(COMPONENT, FIRST);
    // The 404 above is cached for a few seconds: wait it out.
    await sleep(5100);
    expect((await pushWith(ingress, FIRST, 'ticket@@@one')).status).toBe(200);

    keys.set(COMPONENT, SECOND);
    // Cached (INGRESS_KEYS_CACHE_SECONDS is an hour here): the new keys are not known yet.
    expect((await pushWith(ingress, SECOND, 'ticket@@@two')).status).toBe(401);

    await publishTestEvent(
      createEnvelope(
        DomainEventTypes.TokenComponentUpdated,
        { keysChanged: true },
        { componentAppid: COMPONENT },
      ),
      { namespace },
    );
    await sleep(300);
    expect((await pushWith(ingress, SECOND, 'ticket@@@three')).status).toBe(200);
    expect((await pushWith(ingress, FIRST, 'ticket@@@four')).status).toBe(401);

    const tickets = await probe.waitFor(2);
    expect(tickets.map((event) => event.data['ComponentVerifyTicket'])).toEqual([
      'ticket@@@one',
      'ticket@@@three',
    ]);
  });
});
