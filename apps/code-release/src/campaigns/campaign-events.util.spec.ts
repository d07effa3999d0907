import {
  campaignEvent,
  finishedDiscriminator,
  pauseDiscriminator,
  targetEvent,
} from './campaign-events.util';

describe('campaign event ids', () => {
  const ref = {
    componentAppid: 'wxc0000000000000001',
    campaignId: 'c-1',
    authorizerAppid: 'wxa0000000000000001',
  };

  it('gives a retried target (attempt + 1) new ids, and a repeated step the same id', () => {
    const first = targetEvent('release.committed', { ...ref, attempt: 0 }, { campaignId: 'c-1' });
    const repeated = targetEvent('release.committed', { ...ref, attempt: 0 }, { campaignId: 'c-1' });
    const retried = targetEvent('release.committed', { ...ref, attempt: 1 }, { campaignId: 'c-1' });
    expect(repeated.id).toBe(first.id);
    expect(retried.id).not.toBe(first.id);
    expect(retried.authorizerAppid).toBe(ref.authorizerAppid);
  });

  it('gives the finished event of a run after a retry its own id, the same one when repeated', () => {
    const finished = (generation: number) =>
      campaignEvent(
        'release.campaign.finished',
        ref.componentAppid,
        'c-1',
        {},
        finishedDiscriminator(generation),
      ).id;
    expect(finished(0)).toBe(campaignEvent('release.campaign.finished', ref.componentAppid, 'c-1', {}).id);
    expect(finished(1)).not.toBe(finished(0));
    expect(finished(2)).not.toBe(finished(1));
    expect(finished(1)).toBe(finished(1));
  });

  it('gives an automatic pause after a retry a new id even at the same rejection count', () => {
    const paused = (generation: number) =>
      campaignEvent(
        'release.campaign.paused',
        ref.componentAppid,
        'c-1',
        {},
        pauseDiscriminator('canary_rejections', 2, generation),
      ).id;
    expect(pauseDiscriminator('canary_rejections', 2, 0)).toBe('canary_rejections|2');
    expect(paused(1)).not.toBe(paused(0));
    expect(paused(2)).not.toBe(paused(1));
    expect(paused(1)).toBe(paused(1));
  });
});
