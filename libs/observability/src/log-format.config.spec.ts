import { loadConfig } from '@wxop/config';

import { LogFormatConfig, resolveLogFormat } from './log-format.config';

describe(resolveLogFormat.name, () => {
  it('writes pretty lines to a terminal and JSON anywhere else when nothing is configured', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
  });

  it('does what LOG_FORMAT says, terminal or not', () => {
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });
});

describe(LogFormatConfig.name, () => {
  it('accepts json, pretty or nothing, and refuses anything else by name', () => {
    expect(loadConfig({ log: LogFormatConfig }, {}).log.LOG_FORMAT).toBeUndefined();
    expect(loadConfig({ log: LogFormatConfig }, { LOG_FORMAT: 'pretty' }).log.LOG_FORMAT).toBe('pretty');
    expect(() => loadConfig({ log: LogFormatConfig }, { LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});
