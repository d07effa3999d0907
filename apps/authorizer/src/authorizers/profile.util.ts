import type { AuthorizerType, MiniProgramProfile } from '@wxop/contracts';

/** An authorizer's profile as api_get_authorizer_info gives it (wechat-protocol.md §3.5), in our names. */
export interface AuthorizerProfile {
  authorizerType: AuthorizerType;
  nickName: string;
  userName: string;
  headImg: string | null;
  alias: string | null;
  principalName: string | null;
  signature: string | null;
  qrcodeUrl: string | null;
  serviceType: number | null;
  verifyType: number | null;
  accountStatus: number | null;
  miniProgram: MiniProgramProfile | null;
}

/** The fields of `authorization.authorized` taken from the profile. */
export type AnnouncedProfile = Pick<AuthorizerProfile, 'authorizerType' | 'nickName' | 'userName'>;

export function announcedProfile(profile: AnnouncedProfile): AnnouncedProfile {
  return { authorizerType: profile.authorizerType, nickName: profile.nickName, userName: profile.userName };
}

/**
 * Reads `authorizer_info` defensively: every sub-field varies by account kind and some shapes are
 * unconfirmed (§3.5, §9.8), so a missing or odd field becomes null instead of failing the whole
 * profile. `MiniProgramInfo` present ⇒ mini program.
 */
export function parseAuthorizerInfo(info: Record<string, unknown>): AuthorizerProfile {
  const mini = record(info['MiniProgramInfo']);
  return {
    authorizerType: mini ? 'mini_program' : 'official_account',
    nickName: text(info['nick_name'], 255) ?? '',
    userName: text(info['user_name'], 64) ?? '',
    headImg: text(info['head_img'], 512),
    alias: text(info['alias'], 64),
    principalName: text(info['principal_name'], 255),
    signature: text(info['signature'], 1024),
    qrcodeUrl: text(info['qrcode_url'], 512),
    serviceType: idOf(info['service_type_info']),
    verifyType: idOf(info['verify_type_info']),
    accountStatus: integer(info['account_status']),
    miniProgram: mini ? miniProgramOf(mini) : null,
  };
}

function miniProgramOf(mini: Record<string, unknown>): MiniProgramProfile {
  const network = record(mini['network']) ?? {};
  const categories = Array.isArray(mini['categories']) ? mini['categories'] : [];
  return {
    network: {
      requestDomain: strings(network['RequestDomain']),
      wsRequestDomain: strings(network['WsRequestDomain']),
      uploadDomain: strings(network['UploadDomain']),
      downloadDomain: strings(network['DownloadDomain']),
      udpDomain: strings(network['UDPDomain']),
      tcpDomain: strings(network['TCPDomain']),
      bizDomain: strings(network['BizDomain']),
    },
    categories: categories
      .map(record)
      .filter((c): c is Record<string, unknown> => c !== undefined)
      .map((c) => ({ first: text(c['first'], 100) ?? '', second: text(c['second'], 100) ?? '' })),
    visitStatus: integer(mini['visit_status']),
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown, max: number): string | null {
  return typeof value === 'string' ? value.slice(0, max) : null;
}

function integer(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function idOf(value: unknown): number | null {
  return integer(record(value)?.['id']);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 200) : [];
}
