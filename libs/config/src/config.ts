import { z } from 'zod';

/**
 * The one place that reads the environment. Everything else receives an `AppConfig`.
 * A missing or malformed variable stops the process with a message naming it.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

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
  TRUST_PROXY: booleanFlag.default(false),
  HTTP_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
});

export type Environment = z.input<typeof EnvSchema>;

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
  graphql: { maxDepth: number };
}

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
    graphql: { maxDepth: e.GRAPHQL_MAX_DEPTH },
  };
}
