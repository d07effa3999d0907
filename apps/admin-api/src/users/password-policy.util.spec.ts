import { passwordProblem } from './password-policy.util';

describe('password policy', () => {
  it('accepts a long password unrelated to the username', () => {
    expect(passwordProblem('correct horse battery', 'alice')).toBeUndefined();
  });

  it('refuses short ones, the username, common ones and one repeated character', () => {
    expect(passwordProblem('short-pass1', 'alice')).toMatch(/at least 12/);
    expect(passwordProblem('Alice-is-my-name', 'alice')).toMatch(/username/);
    expect(passwordProblem('Password1234', 'bob')).toMatch(/common/);
    expect(passwordProblem('zzzzzzzzzzzzzz', 'bob')).toMatch(/repeat/);
    expect(passwordProblem('x'.repeat(300), 'bob')).toMatch(/at most/);
  });
});
