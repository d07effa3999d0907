import { CENSOR, isSecretKey, redactFields, redactUrl, scrubText } from './redaction';

describe(redactUrl.name, () => {
  it('censors every credential WeChat and the landing page put in a query string', () => {
    const sut = redactUrl(
      '/authorized/L1?auth_code=AC1&expires_in=3600&pre_auth_code=PAC1&code=C1&component_verify_ticket=T1' +
        '&ticket=T2&echostr=E1&encodingAesKey=K1&component_appsecret=S1&authorizer_refresh_token=RT1&key=K2',
    );
    expect(sut).toBe(
      '/authorized/L1?auth_code=[REDACTED]&expires_in=3600&pre_auth_code=[REDACTED]&code=[REDACTED]' +
        '&component_verify_ticket=[REDACTED]&ticket=[REDACTED]&echostr=[REDACTED]&encodingAesKey=[REDACTED]' +
        '&component_appsecret=[REDACTED]&authorizer_refresh_token=[REDACTED]&key=[REDACTED]',
    );
  });

  it('matches names in any case and keeps the other parameters, the path and the fragment', () => {
    expect(redactUrl('/cgi-bin/x?Component_Access_Token=abc&a=1&ACCESS_TOKEN=def#top')).toBe(
      '/cgi-bin/x?Component_Access_Token=[REDACTED]&a=1&ACCESS_TOKEN=[REDACTED]#top',
    );
  });

  it('leaves a signed push URL readable: signatures, nonces and timestamps are not secrets', () => {
    const url =
      '/wechat/components/wx1/events?signature=ab&timestamp=1&nonce=2&encrypt_type=aes&msg_signature=cd';
    expect(redactUrl(url)).toBe(url);
  });

  it('does not treat a parameter that merely ends in "code" as the landing page code', () => {
    expect(redactUrl('/x?errcode=40001&zipcode=1')).toBe('/x?errcode=40001&zipcode=1');
  });

  it('answers undefined and URLs without a query string as they are', () => {
    expect(redactUrl(undefined)).toBeUndefined();
    expect(redactUrl('/authorize/L1')).toBe('/authorize/L1');
  });
});

describe(scrubText.name, () => {
  it('censors key=value in a URL embedded in an error message (undici, WechatApiError)', () => {
    expect(
      scrubText(
        'request to http://sim/cgi-bin/component/api_query_auth?component_access_token=CAT-1 failed, reason: connect ECONNREFUSED',
      ),
    ).toBe(
      'request to http://sim/cgi-bin/component/api_query_auth?component_access_token=[REDACTED] failed, reason: connect ECONNREFUSED',
    );
  });

  it('censors "key":"value" in a JSON body, also when the JSON is quoted inside JSON', () => {
    expect(scrubText('body {"component_appid":"wx1","authorization_code":"AC-2","x":1}')).toBe(
      'body {"component_appid":"wx1","authorization_code":"[REDACTED]","x":1}',
    );
    expect(scrubText('{\\"authorizer_refresh_token\\": \\"RT-3\\"}')).toBe(
      '{\\"authorizer_refresh_token\\": \\"[REDACTED]\\"}',
    );
  });

  it("censors key: 'value' as util.inspect prints an object", () => {
    expect(scrubText("{ componentSecret: 'CS-4', appid: 'wx1' }")).toBe(
      "{ componentSecret: '[REDACTED]', appid: 'wx1' }",
    );
  });

  it('censors credentials in a push’s XML and bearer tokens', () => {
    expect(
      scrubText(
        '<xml><ComponentVerifyTicket><![CDATA[ticket@@@T-5]]></ComponentVerifyTicket><AuthorizationCode>AC-6</AuthorizationCode><PreAuthCode>P-7</PreAuthCode><InfoType>x</InfoType></xml>',
      ),
    ).toBe(
      '<xml><ComponentVerifyTicket>[REDACTED]</ComponentVerifyTicket><AuthorizationCode>[REDACTED]</AuthorizationCode><PreAuthCode>[REDACTED]</PreAuthCode><InfoType>x</InfoType></xml>',
    );
    expect(scrubText('authorization: Bearer K-8')).toBe('authorization: Bearer [REDACTED]');
  });

  it('returns text without credential names unchanged', () => {
    const text = 'cgi-bin/component/api_authorizer_token answered errcode 61023: refresh_token is invalid';
    expect(scrubText('sync failed after 3 attempts')).toBe('sync failed after 3 attempts');
    // A credential's name without a value is information, not a secret.
    expect(scrubText(text)).toBe(text);
  });
});

describe(isSecretKey.name, () => {
  it.each([
    'auth_code',
    'pre_auth_code',
    'authCode',
    'PreAuthCode',
    'AuthorizationCode',
    'authorization_code',
    'component_verify_ticket',
    'ComponentVerifyTicket',
    'ticket',
    'currentTicket',
    'componentSecret',
    'component_appsecret',
    'SECRETS_KEYS',
    'accessToken',
    'authorizer_refresh_token',
    'Authorization',
    'echostr',
    'encodingAesKey',
    'encodingAESKey',
    'x-api-key',
    'apiKey',
    'password',
    'cookie',
  ])('%s holds a credential', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    'code',
    'errcode',
    'authorizerAppid',
    'authorizationStatus',
    'ticketReceivedAt',
    'tokenExpiresAt',
  ])('%s does not', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe(redactFields.name, () => {
  it('censors credentials by name at any depth pino prints, arrays included', () => {
    const sut = redactFields({
      msg: 'x',
      authorizerAppid: 'wx1',
      a: { b: { c: { d: { refreshToken: 'RT-1', list: [{ ComponentVerifyTicket: 'T-1' }] } } } },
      tokens: ['AT-1', 'AT-2'],
      encodingAESKey: Buffer.from('K-1'),
    });
    expect(sut).toEqual({
      msg: 'x',
      authorizerAppid: 'wx1',
      a: { b: { c: { d: { refreshToken: CENSOR, list: [{ ComponentVerifyTicket: CENSOR }] } } } },
      tokens: [CENSOR, CENSOR],
      encodingAESKey: CENSOR,
    });
  });

  it('keeps numbers, booleans and nulls under credential names (counts and flags, not secrets)', () => {
    expect(redactFields({ tokensIssued: 3, ticket: null, hasSecret: true })).toEqual({
      tokensIssued: 3,
      ticket: null,
      hasSecret: true,
    });
  });

  it('scrubs credentials written inside string fields (error messages logged as text)', () => {
    expect(redactFields({ error: 'GET /cgi-bin/x?access_token=AT-3 answered 500' })).toEqual({
      error: 'GET /cgi-bin/x?access_token=[REDACTED] answered 500',
    });
  });

  it('prints an error field with its message, stack, own fields and cause chain censored', () => {
    const root = new Error('connect ECONNREFUSED for ?component_access_token=CAT-9');
    const middle = Object.assign(new Error('body {"authorization_code":"AC-9"}', { cause: root }), {
      errcode: -1,
      refreshToken: 'RT-9',
    });
    const top = new Error('exchange failed', { cause: middle });
    const sut = redactFields({ err: top });
    const text = JSON.stringify(sut);
    for (const secret of ['CAT-9', 'AC-9', 'RT-9']) expect(text).not.toContain(secret);
    expect(sut).toMatchObject({
      err: {
        type: 'Error',
        message: 'exchange failed',
        cause: {
          message: 'body {"authorization_code":"[REDACTED]"}',
          errcode: -1,
          refreshToken: CENSOR,
          cause: { message: 'connect ECONNREFUSED for ?component_access_token=[REDACTED]' },
        },
      },
    });
    expect((sut.err as unknown as { stack: string }).stack).toContain('exchange failed');
  });

  it('returns an object without credentials itself, not a copy (the hot path allocates nothing)', () => {
    const line = { correlationId: 'c', req: { method: 'GET', url: '/x?a=1' }, res: { statusCode: 200 } };
    expect(redactFields(line)).toBe(line);
  });

  it('stops at a cycle instead of looping, censoring every level it prints', () => {
    const cyclic: Record<string, unknown> = { accessToken: 'AT-0' };
    cyclic['self'] = cyclic;
    const text = JSON.stringify(redactFields({ cyclic }));
    expect(text).not.toContain('AT-0');
    expect(text).toContain('[...]');
  });
});
