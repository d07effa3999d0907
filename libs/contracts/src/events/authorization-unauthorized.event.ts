import { IsISO8601 } from 'class-validator';

/** `authorization.unauthorized`: the merchant revoked the authorization. */
export class AuthorizationUnauthorizedData {
  @IsISO8601({ strict: true })
  unauthorizedAt!: string;
}
