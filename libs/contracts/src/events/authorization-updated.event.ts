import { AuthorizationAuthorizedData } from './authorization-authorized.event';

/** `authorization.updated`: the merchant changed the granted permission sets; `funcInfo` is the new set. */
export class AuthorizationUpdatedData extends AuthorizationAuthorizedData {}
