/** Shortest password accepted. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Passwords seen first in breach lists that pass the length rule (a small sample; the length rule
 * and the username rule carry most of the weight). Compared case-insensitively.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  'qwertyuiop12',
  'qwertyuiopas',
  '1q2w3e4r5t6y',
  'password1234',
  'password12345',
  'passwordpassword',
  'p@ssw0rd1234',
  'iloveyou1234',
  'administrator',
  'administrator1',
  'admin1234567',
  'adminadmin123',
  'welcome12345',
  'letmein12345',
  'changeme1234',
  'qazwsxedcrfv',
  '1qaz2wsx3edc',
  'abcdefghijkl',
  'abc123456789',
  'aaaaaaaaaaaa',
  '111111111111',
  '000000000000',
  'woaini1314520',
  'a123456789012',
  'zxcvbnm12345',
  'football1234',
  'superman1234',
]);

/** What is wrong with a password, or undefined when it is acceptable. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  const name = username.toLowerCase();
  if (name.length > 0 && lower.includes(name)) return 'must not contain the username';
  if (COMMON_PASSWORDS.has(lower)) return 'too common';
  if (/^(.)\1*$/.test(password)) return 'must not repeat one character';
  return undefined;
}
