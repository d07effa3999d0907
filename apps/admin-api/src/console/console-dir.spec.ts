import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { findConsoleDir } from './console-dir';

describe('findConsoleDir', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the configured directory only when it holds an index.html, else the first default that does', () => {
    expect(findConsoleDir(dir)).toBe(dir);
    expect(findConsoleDir(join(dir, 'assets'))).toBeUndefined();
    expect(findConsoleDir('', [join(dir, 'nope'), dir])).toBe(dir);
    expect(findConsoleDir('', [join(dir, 'nope')])).toBeUndefined();
  });
});
