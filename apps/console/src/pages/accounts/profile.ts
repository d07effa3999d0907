import type { SchemaAuthorizerDetailDto } from '../../api/schema';

export const DOMAIN_KINDS = [
  'requestDomain',
  'wsRequestDomain',
  'uploadDomain',
  'downloadDomain',
  'udpDomain',
  'tcpDomain',
  'bizDomain',
] as const;
export type DomainKind = (typeof DOMAIN_KINDS)[number];

/** A mini program's profile (network domains, categories, visit status) as the page shows it. */
export interface MiniProgramInfo {
  /** 0 open; other values closed or paused by WeChat; null unknown. */
  visitStatus: number | null;
  categories: { first: string; second: string }[];
  /** Each kind of server domain with its domains, in a fixed order. */
  domains: [DomainKind, string[]][];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * The `miniProgram` of an authorizer's detail (the OpenAPI document types it as a bare object):
 * read defensively, undefined for an official account or when absent.
 */
export function miniProgramOf(
  detail: Pick<SchemaAuthorizerDetailDto, 'miniProgram'>,
): MiniProgramInfo | undefined {
  const value = record(detail.miniProgram as unknown);
  if (!value) return undefined;
  const network = record(value['network']) ?? {};
  const categories = Array.isArray(value['categories'])
    ? value['categories'].flatMap((item: unknown) => {
        const category = record(item);
        return category && typeof category['first'] === 'string'
          ? [
              {
                first: category['first'],
                second: typeof category['second'] === 'string' ? category['second'] : '',
              },
            ]
          : [];
      })
    : [];
  const visitStatus = typeof value['visitStatus'] === 'number' ? value['visitStatus'] : null;
  return { visitStatus, categories, domains: DOMAIN_KINDS.map((kind) => [kind, strings(network[kind])]) };
}
