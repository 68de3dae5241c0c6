import { ConfigError, loadConfig } from './config';

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/streamplane',
  AUTH_SECRET: 'x'.repeat(32),
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
    }
  });

  it('rejects a short auth secret and turns secure cookies on for https', () => {
    expect(() => loadConfig({ ...valid, AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET: must be at least 32/);
    expect(loadConfig({ ...valid, PUBLIC_URL: 'https://console.example.com/' }).auth.cookieSecure).toBe(true);
  });
});
