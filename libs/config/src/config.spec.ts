import { ConfigError, loadConfig, requirePulumiEngine } from './config';

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

  it('gives each worker a port of its own unless PORT is set (Kubernetes: one pod, one port)', () => {
    expect(loadConfig(valid).workerHttp).toEqual({
      host: '127.0.0.1',
      port: { provisioner: 9464, billing: 9465 },
    });
    expect(loadConfig({ ...valid, HOST: '0.0.0.0', PORT: '3000' }).workerHttp).toEqual({
      host: '0.0.0.0',
      port: { provisioner: 3000, billing: 3000 },
    });
    expect(loadConfig({ ...valid, PORT: '0' }).workerHttp.port).toEqual({ provisioner: 0, billing: 0 });
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

  it('reads the sign-up credits and invoicing settings: $200 for 12 months by default', () => {
    expect(loadConfig(valid).billing.credits).toEqual({ signupAmountMinor: 20_000n, signupValidMonths: 12 });
    expect(loadConfig(valid).billing.invoices).toMatchObject({
      finalizeDelayMinutes: 30,
      lateUsageLookbackDays: 45,
    });
    const custom = loadConfig({
      ...valid,
      BILLING_SIGNUP_CREDITS_MINOR: '5000',
      BILLING_SIGNUP_CREDITS_VALID_MONTHS: '6',
    });
    expect(custom.billing.credits).toEqual({ signupAmountMinor: 5_000n, signupValidMonths: 6 });
    expect(() => loadConfig({ ...valid, BILLING_SIGNUP_CREDITS_MINOR: '12.50' })).toThrow(
      /BILLING_SIGNUP_CREDITS_MINOR/,
    );
    expect(() => loadConfig({ ...valid, BILLING_SIGNUP_CREDITS_VALID_MONTHS: '0' })).toThrow(
      /BILLING_SIGNUP_CREDITS_VALID_MONTHS/,
    );
    // Late events ingest accepts must reach an invoice.
    expect(() =>
      loadConfig({ ...valid, INGEST_LATE_GRACE_HOURS: '744', BILLING_LATE_USAGE_LOOKBACK_DAYS: '31' }),
    ).toThrow(/BILLING_LATE_USAGE_LOOKBACK_DAYS: must cover INGEST_LATE_GRACE_HOURS \(744\)/);
    expect(
      loadConfig({ ...valid, INGEST_LATE_GRACE_HOURS: '744', BILLING_LATE_USAGE_LOOKBACK_DAYS: '32' }).billing
        .invoices.lateUsageLookbackDays,
    ).toBe(32);
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

  describe('the pulumi engine', () => {
    const PASSPHRASE = 'state-passphrase-0123456789';
    const pulumi: Record<string, string> = {
      ...valid,
      CLOUD_ENGINE: 'pulumi',
      STREAMPLANE_AWS_ACCOUNT_ID: '123456789012',
      PULUMI_BACKEND_URL: 'azblob://stacks?storage_account=spstate',
      PULUMI_SECRETS_PROVIDER: 'passphrase',
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    };
    const without = (name: string) =>
      Object.fromEntries(Object.entries(pulumi).filter(([key]) => key !== name));

    /** The configuration problems of an environment (at load, or when the provisioner requires the engine). */
    function problemsOf(env: Record<string, string>): string {
      try {
        requirePulumiEngine(loadConfig(env));
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('expected a ConfigError');
    }

    it('reads its settings, and passes only the listed variables of the environment to the CLI', () => {
      const settings = requirePulumiEngine(
        loadConfig({
          ...pulumi,
          PULUMI_HOME: '/var/lib/streamplane/pulumi-home',
          PULUMI_COMMAND_ROOT: '/opt/pulumi',
          PULUMI_WORK_ROOT: '/var/lib/streamplane/stacks',
          PULUMI_BACKEND_ENV: 'AZURE_STORAGE_KEY, AZURE_STORAGE_ACCOUNT,AZURE_STORAGE_KEY',
          AZURE_STORAGE_KEY: 'storage-key-value',
          AZURE_STORAGE_ACCOUNT: 'spstate',
          SOMETHING_ELSE: 'not passed',
        }),
      );
      expect(settings).toEqual({
        backendUrl: 'azblob://stacks?storage_account=spstate',
        secretsProvider: 'passphrase',
        passphrase: PASSPHRASE,
        backendEnv: { AZURE_STORAGE_KEY: 'storage-key-value', AZURE_STORAGE_ACCOUNT: 'spstate' },
        workRoot: '/var/lib/streamplane/stacks',
        pulumiHome: '/var/lib/streamplane/pulumi-home',
        commandRoot: '/opt/pulumi',
      });
    });

    it('is required by the process that runs the engine only: the api loads without it', () => {
      const api = loadConfig({
        ...valid,
        CLOUD_ENGINE: 'pulumi',
        STREAMPLANE_AWS_ACCOUNT_ID: '123456789012',
      });
      expect(api.cloud.engine).toBe('pulumi');
      const message = problemsOf({
        ...valid,
        CLOUD_ENGINE: 'pulumi',
        STREAMPLANE_AWS_ACCOUNT_ID: '123456789012',
      });
      expect(message).toContain('PULUMI_BACKEND_URL: is required when CLOUD_ENGINE=pulumi');
      expect(message).toContain('PULUMI_SECRETS_PROVIDER: is required when CLOUD_ENGINE=pulumi');
    });

    it('needs a passphrase only for the passphrase secrets provider', () => {
      expect(problemsOf(without('PULUMI_CONFIG_PASSPHRASE'))).toContain(
        'PULUMI_CONFIG_PASSPHRASE: is required when PULUMI_SECRETS_PROVIDER=passphrase',
      );
      const kms = {
        ...without('PULUMI_CONFIG_PASSPHRASE'),
        PULUMI_SECRETS_PROVIDER: 'awskms://alias/streamplane-stacks?region=eu-west-1',
      };
      expect(requirePulumiEngine(loadConfig(kms)).secretsProvider).toMatch(/^awskms:/);
    });

    it.each([
      ['PULUMI_BACKEND_URL', 'ftp://state', /PULUMI_BACKEND_URL: must be an https:\/\/, s3:\/\//],
      [
        'PULUMI_SECRETS_PROVIDER',
        'rot13',
        /PULUMI_SECRETS_PROVIDER: must be passphrase, default, or an awskms/,
      ],
      [
        'PULUMI_CONFIG_PASSPHRASE',
        'short-secret',
        /PULUMI_CONFIG_PASSPHRASE: must be at least 16 characters/,
      ],
      ['PULUMI_HOME', '', /PULUMI_HOME/],
      ['PULUMI_COMMAND_ROOT', '', /PULUMI_COMMAND_ROOT/],
      ['PULUMI_WORK_ROOT', '', /PULUMI_WORK_ROOT/],
    ])('rejects a malformed %s at load, naming it without echoing the value', (name, value, expected) => {
      expect(() => loadConfig({ ...pulumi, [name]: value })).toThrow(expected);
      const message = problemsOf({ ...pulumi, [name]: value });
      if (value) expect(message).not.toContain(value);
    });

    it.each([
      [
        'a customer credential name',
        'ARM_CLIENT_SECRET',
        /PULUMI_BACKEND_ENV: ARM_CLIENT_SECRET is reserved/,
      ],
      ['an AWS key name', 'AWS_SECRET_ACCESS_KEY', /AWS_SECRET_ACCESS_KEY is reserved for a customer/],
      [
        'an unset variable',
        'AZURE_STORAGE_KEY',
        /PULUMI_BACKEND_ENV: lists AZURE_STORAGE_KEY, which is not set/,
      ],
      [
        'something that is not a name',
        'AZURE_STORAGE_KEY=c2VjcmV0',
        /PULUMI_BACKEND_ENV: entry 1 is not a variable name/,
      ],
    ])('refuses PULUMI_BACKEND_ENV with %s', (_label, value, expected) => {
      const message = problemsOf({ ...pulumi, PULUMI_BACKEND_ENV: value });
      expect(message).toMatch(expected);
      expect(message).not.toContain('c2VjcmV0');
    });

    it('never echoes the passphrase, even beside other problems', () => {
      const message = problemsOf({ ...pulumi, PULUMI_BACKEND_URL: 'nope', PORT: 'eighty' });
      expect(message).toContain('PULUMI_BACKEND_URL');
      expect(message).not.toContain(PASSPHRASE);
    });
  });
});
