import { describe, expect, it } from 'vitest';

import { selectedNav } from './nav';

describe('selectedNav', () => {
  const paths = ['/', '/accounts', '/campaigns', '/campaigns-archive'];

  it('selects the entry a page belongs to, its sub-pages included', () => {
    expect(selectedNav('/', paths)).toBe('/');
    expect(selectedNav('/accounts', paths)).toBe('/accounts');
    expect(selectedNav('/accounts/wx123/versions', paths)).toBe('/accounts');
    expect(selectedNav('/campaigns-archive', paths)).toBe('/campaigns-archive');
  });

  it('selects nothing for a page outside the menu', () => {
    expect(selectedNav('/nowhere', paths)).toBeUndefined();
  });
});
