import { z } from 'zod';

/**
 * The one place that reads the environment. Everything else receives an `AppConfig`.
 * A missing or malformed variable stops the process with a message naming it.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/**
 * `CREDENTIALS_ENCRYPTION_KEYS=k2:<base64 of 32 bytes>,k1:<…>`: the keys that encrypt cloud credentials at
 * rest, each with an id stored beside every ciphertext. The first encrypts; all of them decrypt, so a new
 * key goes first and the old one stays until `npm run credentials:reencrypt` has moved every row over.
 * Problems are described without echoing any key material.
 */
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const credentialsKeyring = z
  .string({ error: 'is required: comma-separated <keyId>:<base64 of 32 random bytes>, the first one active' })
  .transform((value, ctx): CredentialsKeyring => {
    const keys = new Map<string, Buffer>();
    const entries = value.split(',').map((entry) => entry.trim());
    entries.forEach((entry, index) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      const encoded = colon > 0 ? entry.slice(colon + 1).trim() : '';
      const problem = !KEY_ID.test(id)
        ? 'must start with a key id (letters, digits, ".", "_", "-"; at most 32) and a colon'
        : keys.has(id)
          ? `repeats the key id "${id}"`
          : !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || Buffer.from(encoded, 'base64').length !== 32
            ? `key "${id}" must be 32 bytes, base64-encoded (e.g. \`openssl rand -base64 32\`)`
            : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: `entry ${index + 1} ${problem}` });
      else keys.set(id, Buffer.from(encoded, 'base64'));
    });
    if (keys.size === 0) return z.NEVER;
    return { activeKeyId: [...keys.keys()][0], keys };
  });

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' }),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' })
    .default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().max(64).default('sp:'),
  AUTH_SECRET: z
    .string({ error: 'is required (at least 32 characters)' })
    .min(32, 'must be at least 32 characters'),
  AUTH_COOKIE_SECURE: booleanFlag.optional(),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  AUTH_SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(20).default(8),
  GRAPHQL_SUBSCRIPTION_REAUTH_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  TRUST_PROXY: booleanFlag.default(false),
  HTTP_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
  CLOUD_ENGINE: z.enum(['local', 'pulumi']).default('local'),
  CREDENTIALS_ENCRYPTION_KEYS: credentialsKeyring,
  CLOUD_VERIFY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(20),
  STREAMPLANE_AWS_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  AWS_STS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')
    .default('us-east-1'),
  AWS_STS_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  AWS_ACCESS_KEY_ID: z.string().min(16).max(128).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(16).max(128).optional(),
  AWS_SESSION_TOKEN: z.string().min(16).optional(),
  AZURE_AUTHORITY_HOST: z.url({ protocol: /^https?$/ }).default('https://login.microsoftonline.com'),
  AZURE_RESOURCE_MANAGER_URL: z.url({ protocol: /^https?$/ }).default('https://management.azure.com'),
  // The provisioner (apps/provisioner) and the local engine it runs.
  PROVISIONER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PROVISIONER_JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  PROVISIONER_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  PROVISIONER_MAX_STALLED_COUNT: z.coerce.number().int().min(1).max(100).default(2),
  PROVISIONER_CANCEL_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  PROVISIONER_LOCK_RETRY_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  PROVISIONER_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  LOCAL_ENGINE_STATE_DIR: z.string().min(1).default('.streamplane/stacks'),
  LOCAL_ENGINE_LATENCY_SCALE: z.coerce.number().min(0).max(10).default(0.01),
  AGENT_IMAGE: z.string().min(1).default('ghcr.io/streamplane/agent:0.1.0'),
  AGENT_CONTROL_PLANE_URL: z.url({ protocol: /^https?$/ }).optional(),
  AGENT_DEV_TOKEN: z.string().min(16).default('spa_dev_placeholder_agent_token_not_a_secret'),
});

export type Environment = z.input<typeof EnvSchema>;

export interface CredentialsKeyring {
  /** The key new ciphertexts are written under: the first one listed. */
  activeKeyId: string;
  /** Every configured key by id (AES-256: 32 bytes each). */
  keys: ReadonlyMap<string, Buffer>;
}

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  http: { host: string; port: number; publicUrl: string; bodyLimitBytes: number; trustProxy: boolean };
  log: { level: string };
  database: { url: string };
  redis: { url: string; keyPrefix: string };
  auth: {
    secret: string;
    cookieSecure: boolean;
    accessTokenTtlSeconds: number;
    sessionTtlDays: number;
  };
  graphql: {
    maxDepth: number;
    /**
     * How often a subscription socket re-checks its credentials: a revoked session or token, or a removed
     * member, stops receiving events within this many seconds.
     */
    subscriptionReauthSeconds: number;
  };
  cloud: {
    /** `local` simulates the cloud in-process (the default); `pulumi` talks to the customer's real cloud. */
    engine: 'local' | 'pulumi';
    credentialsKeyring: CredentialsKeyring;
    verifyTimeoutSeconds: number;
    aws: {
      /** The account customers' roles trust (with their external id). A placeholder under the local engine. */
      streamplaneAccountId: string;
      stsRegion: string;
      /** Override for STS (a VPC endpoint, or a test server); the regional endpoint otherwise. */
      stsEndpoint?: string;
      /** Streamplane's own static keys; when absent the AWS SDK's default chain (instance role, IRSA, …). */
      credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    };
    azure: { authorityHost: string; resourceManagerUrl: string };
  };
  provisioning: {
    /** Operations one provisioner process runs at once (different deployments; one per deployment). */
    concurrency: number;
    /** BullMQ job lock: renewed by the worker every half of it while a run is alive. */
    jobLockMs: number;
    /** How often workers look for jobs whose lock expired (a crashed worker's): the recovery delay. */
    stalledIntervalMs: number;
    /** Recoveries of one job after crashes before it is failed. */
    maxStalledCount: number;
    /** How often a running operation checks whether the user asked to cancel it. */
    cancelPollMs: number;
    /** When another run holds a deployment's lock, the job is put back for this long. */
    lockRetryMs: number;
    /** SIGTERM/SIGINT: time to hand the running operations back before exiting anyway. */
    shutdownTimeoutSeconds: number;
    /** The local engine: where stack states live (shared by every provisioner process on this host). */
    localEngine: { stateDirectory: string; latencyScale: number };
    agent: {
      image: string;
      controlPlaneUrl: string;
      /**
       * DEVELOPMENT PLACEHOLDER passed as every deployment's agent token until per-deployment agent tokens
       * exist (issue 5). Never a real credential.
       */
      devToken: string;
    };
  };
}

/** Shown in grant policies under the local engine, which never calls AWS. */
export const PLACEHOLDER_AWS_ACCOUNT_ID = '000000000000';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.CLOUD_ENGINE === 'pulumi' && !e.STREAMPLANE_AWS_ACCOUNT_ID)
    problems.push('STREAMPLANE_AWS_ACCOUNT_ID: is required when CLOUD_ENGINE=pulumi');
  if (!e.AWS_ACCESS_KEY_ID !== !e.AWS_SECRET_ACCESS_KEY)
    problems.push('AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: set both or neither');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
      bodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES,
      trustProxy: e.TRUST_PROXY,
    },
    log: { level: e.LOG_LEVEL },
    database: { url: e.DATABASE_URL },
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    auth: {
      secret: e.AUTH_SECRET,
      // Secure cookies need HTTPS; default to them whenever the public URL is HTTPS.
      cookieSecure: e.AUTH_COOKIE_SECURE ?? e.PUBLIC_URL.startsWith('https://'),
      accessTokenTtlSeconds: e.AUTH_ACCESS_TOKEN_TTL_SECONDS,
      sessionTtlDays: e.AUTH_SESSION_TTL_DAYS,
    },
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      subscriptionReauthSeconds: e.GRAPHQL_SUBSCRIPTION_REAUTH_SECONDS,
    },
    cloud: {
      engine: e.CLOUD_ENGINE,
      credentialsKeyring: e.CREDENTIALS_ENCRYPTION_KEYS,
      verifyTimeoutSeconds: e.CLOUD_VERIFY_TIMEOUT_SECONDS,
      aws: {
        streamplaneAccountId: e.STREAMPLANE_AWS_ACCOUNT_ID ?? PLACEHOLDER_AWS_ACCOUNT_ID,
        stsRegion: e.AWS_STS_REGION,
        stsEndpoint: e.AWS_STS_ENDPOINT?.replace(/\/$/, ''),
        credentials:
          e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
            ? {
                accessKeyId: e.AWS_ACCESS_KEY_ID,
                secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
                sessionToken: e.AWS_SESSION_TOKEN,
              }
            : undefined,
      },
      azure: {
        authorityHost: e.AZURE_AUTHORITY_HOST.replace(/\/$/, ''),
        resourceManagerUrl: e.AZURE_RESOURCE_MANAGER_URL.replace(/\/$/, ''),
      },
    },
    provisioning: {
      concurrency: e.PROVISIONER_CONCURRENCY,
      jobLockMs: e.PROVISIONER_JOB_LOCK_MS,
      stalledIntervalMs: e.PROVISIONER_STALLED_INTERVAL_MS,
      maxStalledCount: e.PROVISIONER_MAX_STALLED_COUNT,
      cancelPollMs: e.PROVISIONER_CANCEL_POLL_MS,
      lockRetryMs: e.PROVISIONER_LOCK_RETRY_MS,
      shutdownTimeoutSeconds: e.PROVISIONER_SHUTDOWN_TIMEOUT_SECONDS,
      localEngine: {
        stateDirectory: e.LOCAL_ENGINE_STATE_DIR,
        latencyScale: e.LOCAL_ENGINE_LATENCY_SCALE,
      },
      agent: {
        image: e.AGENT_IMAGE,
        controlPlaneUrl: (e.AGENT_CONTROL_PLANE_URL ?? e.PUBLIC_URL).replace(/\/$/, ''),
        devToken: e.AGENT_DEV_TOKEN,
      },
    },
  };
}
