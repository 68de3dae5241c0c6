import { ConfigError, loadConfig } from './config';

const KEY_1 = Buffer.alloc(32, 1).toString('base64');
const KEY_2 = Buffer.alloc(32, 2).toString('base64');

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/streamplane',
  AUTH_SECRET: 'x'.repeat(32),
  CREDENTIALS_ENCRYPTION_KEYS: `k1:${KEY_1}`,
};

describe('loadConfig', () => {
  it('groups a valid environment and applies defaults', () => {
    const config = loadConfig(valid);
    expect(config.database.url).toBe(valid.DATABASE_URL);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.http.port).toBe(3000);
    expect(config.auth.cookieSecure).toBe(false);
  });

  it('names every missing or malformed variable', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', REDIS_URL: 'http://nope' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('AUTH_SECRET');
      expect(message).toContain('PORT');
      expect(message).toContain('REDIS_URL');
      expect(message).toContain('CREDENTIALS_ENCRYPTION_KEYS');
    }
  });

  it('rejects a short auth secret and turns secure cookies on for https', () => {
    expect(() => loadConfig({ ...valid, AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET: must be at least 32/);
    expect(loadConfig({ ...valid, PUBLIC_URL: 'https://console.example.com/' }).auth.cookieSecure).toBe(true);
  });

  it('reads the credentials keyring: the first key encrypts, every key decrypts', () => {
    const { credentialsKeyring } = loadConfig({
      ...valid,
      CREDENTIALS_ENCRYPTION_KEYS: `k2:${KEY_2}, k1:${KEY_1}`,
    }).cloud;
    expect(credentialsKeyring.activeKeyId).toBe('k2');
    expect([...credentialsKeyring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(credentialsKeyring.keys.get('k1')).toEqual(Buffer.alloc(32, 1));
  });

  it.each([
    ['no key id', KEY_1, /entry 1 must start with a key id/],
    ['a short key', `k1:${Buffer.alloc(16).toString('base64')}`, /key "k1" must be 32 bytes/],
    ['not base64', `k1:${'!'.repeat(44)}`, /key "k1" must be 32 bytes/],
    ['a repeated id', `k1:${KEY_1},k1:${KEY_2}`, /entry 2 repeats the key id "k1"/],
    ['nothing', '', /entry 1 must start with a key id/],
  ])('rejects a keyring with %s, without echoing key material', (_label, value, expected) => {
    const attempt = () => loadConfig({ ...valid, CREDENTIALS_ENCRYPTION_KEYS: value });
    expect(attempt).toThrow(expected);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).toContain('CREDENTIALS_ENCRYPTION_KEYS');
      expect((error as Error).message).not.toContain(KEY_1);
    }
  });

  it("defaults to the local cloud engine and needs Streamplane's AWS account for the pulumi one", () => {
    const local = loadConfig(valid).cloud;
    expect(local.engine).toBe('local');
    expect(local.aws.streamplaneAccountId).toBe('000000000000');
    expect(() => loadConfig({ ...valid, CLOUD_ENGINE: 'pulumi' })).toThrow(
      /STREAMPLANE_AWS_ACCOUNT_ID: is required when CLOUD_ENGINE=pulumi/,
    );
    const real = loadConfig({ ...valid, CLOUD_ENGINE: 'pulumi', STREAMPLANE_AWS_ACCOUNT_ID: '123456789012' });
    expect(real.cloud.aws.streamplaneAccountId).toBe('123456789012');
    expect(() => loadConfig({ ...valid, AWS_ACCESS_KEY_ID: 'FAKE-ACCESS-KEY-ID' })).toThrow(
      /set both or neither/,
    );
  });
});
