import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC_KEY = 'wxop:admin-api:public';
/** The OpenAPI extension that marks a public route (the role table test reads it). */
export const PUBLIC_EXTENSION = 'x-wxop-public';

/** A route anyone may call without an access token (login, refresh). Rare: say why beside it. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true));
