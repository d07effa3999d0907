import {
  DomainEventTypes,
  createEnvelope,
  uuidV5,
  type EventEnvelope,
  type TokenAuthorizerInvalidData,
  type TokenAuthorizerIssuedData,
  type TokenIssueSource,
} from '@wxop/contracts';

/** Namespace of the deterministic ids of `token.authorizer.*` events. DO NOT CHANGE (consumers dedupe by id). */
const TOKEN_EVENT_ID_NAMESPACE = '3b0f8a52-6a43-5b7e-8d0c-2f4e9c1b7a60';

/**
 * `token.authorizer.issued`. Deterministic id: the same code (or imported refresh token) always
 * announces with the same id.
 */
export function issuedEnvelope(
  componentAppid: string,
  authorizerAppid: string,
  funcInfo: number[],
  source: TokenIssueSource,
  identity: string,
): EventEnvelope<TokenAuthorizerIssuedData> {
  return createEnvelope<string, TokenAuthorizerIssuedData>(
    DomainEventTypes.TokenAuthorizerIssued,
    { funcInfo, source },
    {
      componentAppid,
      authorizerAppid,
      id: uuidV5(
        `issued|${componentAppid}|${authorizerAppid}|${source}|${identity}`,
        TOKEN_EVENT_ID_NAMESPACE,
      ),
    },
  );
}

/** `token.authorizer.invalid`, one id per refused refresh token. */
export function invalidEnvelope(
  componentAppid: string,
  authorizerAppid: string,
  errcode: number,
  refreshToken: string,
): EventEnvelope<TokenAuthorizerInvalidData> {
  return createEnvelope<string, TokenAuthorizerInvalidData>(
    DomainEventTypes.TokenAuthorizerInvalid,
    { errcode },
    {
      componentAppid,
      authorizerAppid,
      id: uuidV5(`invalid|${componentAppid}|${authorizerAppid}|${refreshToken}`, TOKEN_EVENT_ID_NAMESPACE),
    },
  );
}
