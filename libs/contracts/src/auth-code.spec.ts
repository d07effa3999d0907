import { authCodeExpiry } from './auth-code';

describe(authCodeExpiry.name, () => {
  const created = 1_764_600_000;

  it('reads AuthorizationCodeExpiredTime as an absolute Unix time when it is one', () => {
    expect(authCodeExpiry({ CreateTime: created, AuthorizationCodeExpiredTime: created + 3600 })).toEqual(
      new Date((created + 3600) * 1000),
    );
    expect(
      authCodeExpiry({ CreateTime: String(created), AuthorizationCodeExpiredTime: String(created + 600) }),
    ).toEqual(new Date((created + 600) * 1000));
  });

  it('reads a small value as a duration after CreateTime', () => {
    expect(authCodeExpiry({ CreateTime: created, AuthorizationCodeExpiredTime: 600 })).toEqual(
      new Date((created + 600) * 1000),
    );
  });

  it('falls back to CreateTime plus the documented 600 s, and to nothing without any time', () => {
    expect(authCodeExpiry({ CreateTime: created })).toEqual(new Date((created + 600) * 1000));
    expect(authCodeExpiry({ CreateTime: created, AuthorizationCodeExpiredTime: 'soon' })).toEqual(
      new Date((created + 600) * 1000),
    );
    expect(authCodeExpiry({ AuthorizationCodeExpiredTime: 600 })).toBeUndefined();
    expect(authCodeExpiry({})).toBeUndefined();
  });
});
