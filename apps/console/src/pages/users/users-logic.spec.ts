import { describe, expect, it } from 'vitest';

import {
  changePasswordBody,
  createUserBody,
  editableBy,
  passwordProblem,
  userFiltersFromParams,
  userFiltersToParams,
  usersQuery,
} from './users-logic';

describe('passwordProblem', () => {
  it('mirrors the API policy', () => {
    expect(passwordProblem('short', 'alice')).toBe('passwordShort');
    expect(passwordProblem(undefined, 'alice')).toBe('passwordShort');
    expect(passwordProblem('x'.repeat(257), 'alice')).toBe('passwordLong');
    expect(passwordProblem('my-ALICE-password', 'alice')).toBe('passwordHasUsername');
    expect(passwordProblem('zzzzzzzzzzzz', 'bob')).toBe('passwordRepeats');
    expect(passwordProblem('correct horse battery', 'alice')).toBeUndefined();
  });

  it('does not compare with a blank username', () => {
    expect(passwordProblem('correct horse battery', '  ')).toBeUndefined();
  });
});

describe('request bodies', () => {
  it('trims the username but never the password', () => {
    expect(createUserBody({ username: ' alice ', password: ' pass phrase 1 ', role: 'operator' })).toEqual({
      username: 'alice',
      password: ' pass phrase 1 ',
      role: 'operator',
    });
  });

  it('keeps the confirmation out of the change-password body', () => {
    expect(
      changePasswordBody({
        currentPassword: 'old',
        newPassword: 'new password 1',
        confirmPassword: 'new password 1',
      }),
    ).toEqual({ currentPassword: 'old', newPassword: 'new password 1' });
  });
});

describe('editableBy', () => {
  it('lets an admin change others but not their own role, state or account', () => {
    expect(editableBy({ id: 2 }, { id: 1 })).toEqual({
      role: true,
      disabled: true,
      delete: true,
      password: true,
    });
    expect(editableBy({ id: 1 }, { id: 1 })).toEqual({
      role: false,
      disabled: false,
      delete: false,
      password: true,
    });
  });
});

describe('user filters in the URL', () => {
  it('round-trip', () => {
    const filters = { username: 'ali', role: 'viewer' as const, disabled: false, page: 2 };
    expect(userFiltersFromParams(userFiltersToParams(filters))).toEqual(filters);
  });

  it('drop values the API would refuse', () => {
    expect(userFiltersFromParams(new URLSearchParams('role=root&disabled=maybe&page=0'))).toEqual({
      username: undefined,
      role: undefined,
      disabled: undefined,
      page: 1,
    });
  });

  it('map to the list query', () => {
    expect(usersQuery({ disabled: true, page: 3 }, 20)).toEqual({
      username: undefined,
      role: undefined,
      disabled: true,
      limit: 20,
      offset: 40,
    });
  });
});
