import { hashPassword, passwordSchema, verifyPassword } from './password';

describe('password policy', () => {
  const schema = passwordSchema('jane.doe@example.com');

  it.each(['short', 'aaaaaaaaaaaa', 'password123', 'x'.repeat(129), 'my-jane.doe-secret'])(
    'refuses %s',
    (pw) => {
      expect(schema.safeParse(pw).success).toBe(false);
    },
  );

  it('accepts a long passphrase', () => {
    expect(schema.safeParse('correct horse battery staple').success).toBe(true);
  });
});

describe('argon2id hashing', () => {
  it('stores an argon2id PHC string that verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(hash).not.toContain('correct horse');
    await expect(verifyPassword(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'correct horse battery stapler')).resolves.toBe(false);
  });
});
