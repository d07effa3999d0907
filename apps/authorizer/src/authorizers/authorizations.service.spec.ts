import { announcedBySync, authorizationEventId } from './authorizations.service';

const NOW = new Date('2026-11-29T12:00:00Z');
const at = (secondsAgo: number) => new Date(NOW.getTime() - secondsAgo * 1000);
const SYNC_EVENT = '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11';

describe('announcedBySync', () => {
  const discovered = (authorizedSecondsAgo: number) => ({
    status: 'authorized' as const,
    authorizedVia: 'sync' as const,
    authorizedAt: at(authorizedSecondsAgo),
    announcedEventId: SYNC_EVENT,
  });

  it('is true for a late push of the authorization the sync saw (its CreateTime is not newer than auth_time)', () => {
    expect(announcedBySync(discovered(600), at(600), NOW)).toBe(true);
    expect(announcedBySync(discovered(600), at(601), NOW)).toBe(true);
    expect(announcedBySync(discovered(600), at(599), NOW)).toBe(true); // within the 2 s slack
  });

  it('is false for a push of a later authorization (re-authorized after the sync)', () => {
    expect(announcedBySync(discovered(600), at(300), NOW)).toBe(false);
  });

  it('without a push time (landing page): true only while the sync-seen authorization is within an auth code lifetime', () => {
    expect(announcedBySync(discovered(1800), undefined, NOW)).toBe(true);
    expect(announcedBySync(discovered(7200), undefined, NOW)).toBe(false);
  });

  it('is false for an authorization through a link created after the one the sync saw', () => {
    expect(announcedBySync(discovered(1800), undefined, NOW, at(600))).toBe(false);
    expect(announcedBySync(discovered(600), at(600), NOW, at(3600))).toBe(true);
  });

  it('is false when the account was recorded by a push, a landing page, or is unauthorized', () => {
    expect(announcedBySync({ ...discovered(600), authorizedVia: 'push' }, at(600), NOW)).toBe(false);
    expect(announcedBySync({ ...discovered(600), status: 'unauthorized' }, at(600), NOW)).toBe(false);
    expect(announcedBySync(undefined, at(600), NOW)).toBe(false);
  });
});

describe('authorizationEventId', () => {
  it('is the same for the same code and differs between codes and components', () => {
    expect(authorizationEventId('wxa', 'h1')).toBe(authorizationEventId('wxa', 'h1'));
    expect(authorizationEventId('wxa', 'h1')).not.toBe(authorizationEventId('wxa', 'h2'));
    expect(authorizationEventId('wxa', 'h1')).not.toBe(authorizationEventId('wxb', 'h1'));
  });
});
