import { describe, expect, it } from 'vitest';
import { emailProblem, nameProblem, passwordProblem } from './validation';

describe('sign-up rules, checked before anything is sent', () => {
  it.each([
    ['short', 'Use at least 10 characters'],
    ['aaaaaaaaaaaa', 'Use at least 5 different characters'],
    ['x'.repeat(129), 'Use at most 128 characters'],
    ['my-adalove-pass', 'Do not include your email name'],
  ])('refuses the password %j', (password, message) => {
    expect(passwordProblem(password, 'adalove@example.com')).toBe(message);
  });

  it('accepts a passphrase', () => {
    expect(passwordProblem('correct horse battery', 'ada@example.com')).toBeNull();
  });

  it('checks the email and names', () => {
    expect(emailProblem('')).toBe('Enter your email address');
    expect(emailProblem('not an email')).toMatch(/valid email/);
    expect(emailProblem(' ada@example.com ')).toBeNull();
    expect(nameProblem('   ', 'your name')).toBe('Enter your name');
    expect(nameProblem('a'.repeat(101), 'your name')).toBe('Use at most 100 characters');
    expect(nameProblem('bell\u0007', 'your name')).toBe('Remove the control characters');
  });
});
