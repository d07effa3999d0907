import { parseOutcomesRequest } from './outcome-request.util';

describe(parseOutcomesRequest.name, () => {
  const component = 'wxd0000000000de0a1';

  it('fills the component and paging defaults', () => {
    expect(parseOutcomesRequest({}, component)).toEqual({ componentAppid: component, offset: 0, limit: 50 });
    expect(
      parseOutcomesRequest(
        { authorizerAppid: 'wx1234567890abcdef', outcome: 'failed', limit: 200 },
        component,
      ),
    ).toEqual({
      componentAppid: component,
      authorizerAppid: 'wx1234567890abcdef',
      outcome: 'failed',
      offset: 0,
      limit: 200,
    });
  });

  it('names every problem at once', () => {
    expect(() =>
      parseOutcomesRequest(
        { authorizerAppid: 'not an appid', outcome: 'lost', limit: 0, extra: 1 },
        component,
      ),
    ).toThrow(
      'unknown field extra; limit must be an integer from 1 to 200; authorizerAppid must be an appid; outcome must be failed or recovered',
    );
    expect(() => parseOutcomesRequest(null, component)).toThrow('the request must be an object');
    expect(() => parseOutcomesRequest({}, undefined)).toThrow(/componentAppid/);
  });
});
