import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

import type { AdminRequest, AuthenticatedUser } from './authenticated-user';

export type { AuthenticatedUser } from './authenticated-user';

/** The operator calling this route (`@CurrentUser() user: AuthenticatedUser`); absent only on `@Public()` routes. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser | undefined =>
    context.switchToHttp().getRequest<AdminRequest>().user,
);
