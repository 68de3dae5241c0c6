import { z } from 'zod';
import { DomainError, ErrorKind } from './domain-error';
import { displayName, emailAddress, parseInput } from './input';

describe('input validation', () => {
  const schema = z.strictObject({ name: displayName(10), email: emailAddress });

  it('normalises good input', () => {
    expect(parseInput(schema, { name: '  Acme ', email: ' Ops@Example.COM ' })).toEqual({
      name: 'Acme',
      email: 'ops@example.com',
    });
  });

  it.each([
    [{ name: '', email: 'a@b.co' }, 'name'],
    [{ name: '   ', email: 'a@b.co' }, 'name'],
    [{ name: 'x'.repeat(11), email: 'a@b.co' }, 'name'],
    [{ name: 'bad\u0007bell', email: 'a@b.co' }, 'name'],
    [{ name: 'ok', email: 'not-an-email' }, 'email'],
    [{ name: 'ok', email: 'a@b.co', extra: 1 }, '(body)'],
    [{ name: 42, email: 'a@b.co' }, 'name'],
  ])('rejects %j naming %s', (input, field) => {
    try {
      parseInput(schema, input);
      throw new Error('expected a DomainError');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      const domainError = error as DomainError;
      expect(domainError.kind).toBe(ErrorKind.BAD_USER_INPUT);
      expect(domainError.details.fields?.map((f) => f.field)).toContain(field);
    }
  });
});
