import { BadRequestException, NotFoundException } from '@nestjs/common';
import { RpcRemoteError, RpcTimeoutError, RpcUnavailableError } from '@wxop/messaging';

import { AuthError, AuthErrorCodes } from '../auth/auth.errors';
import { UsersError, UsersErrorCodes } from '../users/users.errors';
import { refusalOf } from './admin-api-error.filter';
import { rpcRemoteStatus } from './rpc-error-status.util';

describe('refusalOf (one error format)', () => {
  it('answers an AdminApiError with its code, status and details', () => {
    expect(
      refusalOf(new UsersError(UsersErrorCodes.WeakPassword, 'weak', { problem: 'too common' }), 'c1', false),
    ).toEqual({
      status: 400,
      body: {
        error: 'weak_password',
        message: 'weak',
        correlationId: 'c1',
        details: { problem: 'too common' },
      },
    });
    expect(refusalOf(new AuthError(AuthErrorCodes.LoginThrottled, 'later'), 'c2', false).status).toBe(429);
  });

  it('maps Nest HttpExceptions and Fastify refusals by status', () => {
    expect(refusalOf(new NotFoundException('nope'), 'c', false).body).toMatchObject({ error: 'not_found' });
    expect(refusalOf(new BadRequestException('bad'), 'c', false).body).toMatchObject({
      error: 'bad_request',
    });
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(refusalOf(tooLarge, 'c', false)).toMatchObject({
      status: 413,
      body: { error: 'payload_too_large' },
    });
  });

  it('maps services’ RPC refusals by their code, and silence to 503', () => {
    const remote = (code: string) => new RpcRemoteError('p', { code, message: `${code} message` });
    expect(refusalOf(remote('AUTHORIZER_NOT_FOUND'), 'c', false)).toMatchObject({
      status: 404,
      body: { error: 'authorizer_not_found', message: 'AUTHORIZER_NOT_FOUND message' },
    });
    expect(refusalOf(new RpcTimeoutError('token.x', 500), 'c', false)).toMatchObject({
      status: 503,
      body: { error: 'service_unavailable' },
    });
    expect(refusalOf(new RpcTimeoutError('token.x', 500), 'c', false).body.message).toBe(
      'a service did not answer (token.x): try again later',
    );
    expect(refusalOf(new RpcUnavailableError('token.x', 'broker'), 'c', false)).toMatchObject({
      status: 503,
      body: {
        error: 'service_unavailable',
        message: 'the message broker is unreachable (token.x): try again later',
      },
    });
    expect(refusalOf(new RpcUnavailableError('token.x', 'no-handler'), 'c', false).body.message).toBe(
      'a service did not answer (token.x): try again later',
    );
    expect(rpcRemoteStatus('INVALID_REQUEST')).toBe(400);
    expect(rpcRemoteStatus('UNAVAILABLE')).toBe(503);
    expect(rpcRemoteStatus('TOKEN_UNAVAILABLE')).toBe(503);
    expect(rpcRemoteStatus('AUTHORIZER_NOT_AUTHORIZED')).toBe(409);
    expect(rpcRemoteStatus('LINK_EXPIRED')).toBe(409);
    expect(rpcRemoteStatus('WECHAT_REJECTED')).toBe(502);
  });

  it('hides anything else behind a 500 without its message', () => {
    expect(refusalOf(new Error('secret=abc internal detail'), 'c', false)).toEqual({
      status: 500,
      body: { error: 'internal', message: 'internal error', correlationId: 'c' },
    });
  });
});
