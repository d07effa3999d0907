import type { SchemaAuthorizerDetailDto, SchemaMiniProgramNetworkDto } from '../../api/schema';

export const DOMAIN_KINDS = [
  'requestDomain',
  'wsRequestDomain',
  'uploadDomain',
  'downloadDomain',
  'udpDomain',
  'tcpDomain',
  'bizDomain',
] as const satisfies readonly (keyof SchemaMiniProgramNetworkDto)[];
export type DomainKind = (typeof DOMAIN_KINDS)[number];

/** A mini program's profile (network domains, categories, visit status) as the page shows it. */
export interface MiniProgramInfo {
  /** 0 open; other values closed or paused by WeChat; null unknown. */
  visitStatus: number | null;
  categories: { first: string; second: string }[];
  /** Each kind of server domain with its domains, in a fixed order. */
  domains: [DomainKind, string[]][];
}

/** The `miniProgram` of an authorizer's detail; undefined for an official account or before its profile is read. */
export function miniProgramOf(
  detail: Pick<SchemaAuthorizerDetailDto, 'miniProgram'>,
): MiniProgramInfo | undefined {
  const profile = detail.miniProgram;
  if (!profile) return undefined;
  return {
    visitStatus: profile.visitStatus,
    categories: profile.categories.map(({ first, second }) => ({ first, second })),
    domains: DOMAIN_KINDS.map((kind) => [kind, profile.network[kind]]),
  };
}
