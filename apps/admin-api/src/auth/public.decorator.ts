import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'wxop:admin-api:public';

/** A route anyone may call without an access token (login, refresh). Rare: say why beside it. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
