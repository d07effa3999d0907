import { describe, expect, it } from 'vitest';

import { fieldPreview, fieldText, orderedFields } from './push-format';

describe('fieldPreview', () => {
  it('puts the telling fields first and leaves out the routine ones', () => {
    expect(
      fieldPreview({
        ToUserName: 'gh_1',
        FromUserName: 'o123',
        CreateTime: 1714000000,
        Reason: 'bad icon',
        Event: 'weapp_audit_fail',
        MsgType: 'event',
      }),
    ).toBe('MsgType=event · Event=weapp_audit_fail · Reason=bad icon');
  });

  it('cuts a long line with an ellipsis', () => {
    const preview = fieldPreview({ Content: 'x'.repeat(500) }, 20);
    expect(preview).toHaveLength(20);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('skips empty values', () => {
    expect(fieldPreview({ Content: '', InfoType: 'authorized' })).toBe('InfoType=authorized');
  });
});

describe('fieldText and orderedFields', () => {
  it('shows objects as JSON and keeps strings as they are', () => {
    expect(fieldText({ a: 1 })).toBe('{"a":1}');
    expect(fieldText('你好')).toBe('你好');
    expect(fieldText(null)).toBe('');
    expect(fieldText(3)).toBe('3');
  });

  it('orders every field, telling ones first', () => {
    expect(orderedFields({ Zed: 'z', AppId: 'wx1', InfoType: 'authorized' })).toEqual([
      ['InfoType', 'authorized'],
      ['AppId', 'wx1'],
      ['Zed', 'z'],
    ]);
  });
});
