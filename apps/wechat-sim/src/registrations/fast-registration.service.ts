import { Injectable } from '@nestjs/common';

import { SimControlService } from '../control/sim-control.service';
import { CredentialsService } from '../credentials/credentials.service';
import { PushService, type PushRecord } from '../pushes/push.service';
import type { Platform } from '../sim/sim-state';

export interface FastRegistrationInput {
  outcome?: 'success' | 'failure';
  kind?: 'enterprise' | 'personal';
  /** Enterprise name (`info.name`); also the new mini program's nick name. */
  name?: string;
  code?: string;
  codeType?: 1 | 2 | 3;
  legalPersonaWechat?: string;
  legalPersonaName?: string;
  wxuser?: string;
  idname?: string;
  componentPhone?: string;
}

export interface FastRegistrationResult {
  /** The new mini program, on success. */
  appid?: string;
  /** Its code for api_query_auth, on success. */
  authCode?: string;
  push: Promise<PushRecord>;
}

export const FAST_REGISTRATION_INFO_TYPE = 'notify_third_fasteregister';

/**
 * The outcome of a fast registration (fastregisterweapp, wechat-protocol.md §2.1), decided at once:
 * on success a new mini program exists, authorized to the platform but not yet exchanged, and the
 * push carries its appid and a single-use auth code; on failure only the push, status -1.
 */
@Injectable()
export class FastRegistrationService {
  constructor(
    private readonly control: SimControlService,
    private readonly credentials: CredentialsService,
    private readonly pushes: PushService,
  ) {}

  register(platform: Platform, input: FastRegistrationInput): FastRegistrationResult {
    const kind = input.kind ?? 'enterprise';
    if (input.outcome === 'failure') {
      const info = this.infoOf(input, kind, '模拟企业有限公司');
      return {
        push: this.pushes.pushComponent(platform, FAST_REGISTRATION_INFO_TYPE, {
          status: -1,
          msg: 'open verity failed',
          info,
        }),
      };
    }
    const [account] = this.control.createAccounts({ count: 1, type: 'mini_program' });
    const info = this.infoOf(input, kind, account!.principalName);
    this.control.updateAccount(account!.appid, {
      nickName: input.name,
      // A personal mini program's principal is shown as 个人.
      principalName: kind === 'enterprise' ? String(info['name']) : '个人',
    });
    // Authorized at registration; no `authorized` push, the code travels in this push instead.
    this.credentials.authorizeSilently(platform, account!, false);
    const { authCode } = this.credentials.issueAuthCode(platform, account!);
    const push = this.pushes.pushComponent(platform, FAST_REGISTRATION_INFO_TYPE, {
      appid: account!.appid,
      status: 0,
      auth_code: authCode,
      msg: 'OK',
      info,
    });
    return { appid: account!.appid, authCode, push };
  }

  /** `<info>` in WeChat's order: the enterprise's details, or the person's. */
  private infoOf(
    input: FastRegistrationInput,
    kind: 'enterprise' | 'personal',
    defaultName: string,
  ): Record<string, unknown> {
    const componentPhone = input.componentPhone ?? '13800000000';
    if (kind === 'personal')
      return {
        wxuser: input.wxuser ?? 'sim_wxuser',
        idname: input.idname ?? '模拟个人',
        component_phone: componentPhone,
      };
    return {
      name: input.name ?? defaultName,
      code: input.code ?? '91440300000000000X',
      code_type: input.codeType ?? 1,
      legal_persona_wechat: input.legalPersonaWechat ?? 'sim_legal_persona',
      legal_persona_name: input.legalPersonaName ?? '模拟法人',
      component_phone: componentPhone,
    };
  }
}
