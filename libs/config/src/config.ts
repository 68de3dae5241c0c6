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

/**
 * `PULUMI_BACKEND_ENV=AZURE_STORAGE_ACCOUNT,AZURE_STORAGE_KEY`: names of variables of this process whose values
 * the Pulumi CLI gets too (Streamplane's own access to the state backend and the secrets provider). The run
 * process inherits nothing else, so without this only a file:// backend with a passphrase would work.
 * A customer's credentials use `ARM_*`, `AAD_*` and `AWS_*` keys during a run: those names are refused, so
 * Streamplane's identity can never stand in for (or leak into) a customer's. Entries are never echoed.
 */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CUSTOMER_CREDENTIAL_NAME = /^(ARM_|AAD_|AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)$)/;
const variableNames = z.string().transform((value, ctx) => {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  names.forEach((name, index) => {
    if (!ENV_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${index + 1} is not a variable name (letters, digits, _)`,
      });
    } else if (CUSTOMER_CREDENTIAL_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} is reserved for a customer's credentials during a run`,
      });
    }
  });
  return [...new Set(names)];
});

/**
 * `OTEL_EXPORTER_OTLP_HEADERS=api-key=…,x-tenant=ops`: headers of every OTLP request (a collector's or a
 * vendor's credentials), in the OpenTelemetry format (comma-separated `key=value`, values URL-encoded).
 * Problems are described without echoing any value.
 */
const otlpHeaders = z.string().transform((value, ctx) => {
  const headers: Record<string, string> = {};
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .forEach((entry, index) => {
      const equals = entry.indexOf('=');
      const key = equals > 0 ? entry.slice(0, equals).trim() : '';
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) {
        ctx.addIssue({ code: 'custom', message: `entry ${index + 1} must be <header name>=<value>` });
        return;
      }
      try {
        headers[key] = decodeURIComponent(entry.slice(equals + 1).trim());
      } catch {
        ctx.addIssue({ code: 'custom', message: `entry ${index + 1} (${key}) is not URL-encoded` });
      }
    });
  return headers;
});

/** The samplers of the OpenTelemetry specification (OTEL_TRACES_SAMPLER) that take at most a ratio. */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  // 0: any free port (tests). Also the workers' port when set (see workerPorts).
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
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
  // Kafka upgrades: how often they are proposed, and the cluster checks before and between an upgrade's phases.
  PROVISIONER_UPGRADE_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(3600),
  PROVISIONER_UPGRADE_PRECONDITION_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  PROVISIONER_UPGRADE_BROKERS_READY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(14_400).default(900),
  PROVISIONER_AGENT_HEALTH_MAX_AGE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  LOCAL_ENGINE_STATE_DIR: z.string().min(1).default('.streamplane/stacks'),
  LOCAL_ENGINE_LATENCY_SCALE: z.coerce.number().min(0).max(10).default(0.01),
  // The pulumi engine: required only with CLOUD_ENGINE=pulumi (see pulumiEngineProblems).
  PULUMI_BACKEND_URL: z
    .string()
    .regex(
      /^(https?|s3|azblob|gs|file):\/\/\S+$/,
      'must be an https://, s3://, azblob://, gs:// or file:// URL',
    )
    .optional(),
  PULUMI_SECRETS_PROVIDER: z
    .string()
    .regex(
      /^(passphrase|default|(awskms|azurekeyvault|gcpkms|hashivault):\/\/\S+)$/,
      'must be passphrase, default, or an awskms://, azurekeyvault://, gcpkms:// or hashivault:// URL',
    )
    .optional(),
  PULUMI_CONFIG_PASSPHRASE: z.string().min(16, 'must be at least 16 characters').optional(),
  PULUMI_BACKEND_ENV: variableNames.optional(),
  PULUMI_HOME: z.string().min(1).optional(),
  PULUMI_COMMAND_ROOT: z.string().min(1).optional(),
  PULUMI_WORK_ROOT: z.string().min(1).optional(),
  AGENT_IMAGE: z.string().min(1).default('streamplane/agent:0.1.0'),
  AGENT_CONTROL_PLANE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PIPELINE_RUNNER_IMAGE: z.string().min(1).default('streamplane/pipeline-runner:0.1.0'),
  // The billing worker (apps/billing): its schedules and the hourly roll-up.
  BILLING_ROLLUP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  BILLING_ROLLUP_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
  BILLING_ROLLUP_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(2),
  BILLING_INVOICE_REFRESH_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  BILLING_INVOICE_FINALIZE_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
  BILLING_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  // Credits and invoices (libs/billing invoicing): the sign-up grant, finalization and late usage.
  BILLING_SIGNUP_CREDITS_MINOR: z.coerce.number().int().min(0).max(100_000_000).default(20_000),
  BILLING_SIGNUP_CREDITS_VALID_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  BILLING_INVOICE_FINALIZE_DELAY_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(30),
  BILLING_LATE_USAGE_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(400).default(45),
  // Usage ingest (POST /v1/ingest/events on the api).
  INGEST_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
  INGEST_MAX_BATCH_EVENTS: z.coerce.number().int().min(1).max(10_000).default(1000),
  INGEST_LATE_GRACE_HOURS: z.coerce.number().int().min(0).max(744).default(72),
  INGEST_MAX_FUTURE_SKEW_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  INGEST_RATE_LIMIT_BATCHES: z.coerce.number().int().min(1).max(1_000_000).default(600),
  INGEST_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  INGEST_TOKEN_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  INGEST_DB_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(8),
  // Replication links (libs/replication): when a direction counts as stale or lagging, the failover
  // pre-checks' bounds, and the alert thresholds rendered into the target cluster's PrometheusRule.
  REPLICATION_STALE_AFTER_SECONDS: z.coerce.number().int().min(10).max(86_400).default(120),
  REPLICATION_LAGGING_ABOVE_MESSAGES: z.coerce.number().int().min(0).default(10_000),
  REPLICATION_LAGGING_CHECKPOINT_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  REPLICATION_FAILOVER_MAX_LAG_MESSAGES: z.coerce.number().int().min(0).default(1_000),
  REPLICATION_FAILOVER_MAX_CHECKPOINT_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  REPLICATION_ALERT_LATENCY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  REPLICATION_ALERT_CHECKPOINT_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  // The simulated agent (apps/agent --simulate, local engine only).
  AGENT_SIMULATOR_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .refine((seconds) => 3600 % seconds === 0, 'must divide 3600 (an hour holds whole intervals)')
    .default(10),
  // OpenTelemetry tracing (libs/observability/src/tracing), under the specification's own variable names.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })
    .optional(),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders.optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: otlpHeaders.optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(128).optional(),
  OTEL_TRACES_SAMPLER: z.enum(TRACE_SAMPLERS).default('parentbased_traceidratio'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});

export type Environment = z.input<typeof EnvSchema>;

export interface CredentialsKeyring {
  /** The key new ciphertexts are written under: the first one listed. */
  activeKeyId: string;
  /** Every configured key by id (AES-256: 32 bytes each). */
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * Where the pulumi engine keeps stacks and how it encrypts their secrets. Customers' cloud credentials are
 * not configuration: each run is given its deployment's own.
 */
export interface PulumiEngineSettings {
  backendUrl?: string;
  secretsProvider?: string;
  /** With `secretsProvider: passphrase` only. */
  passphrase?: string;
  /** Streamplane's own variables for the backend and secrets provider (PULUMI_BACKEND_ENV), by name. */
  backendEnv: Record<string, string>;
  /** Parent of the per-stack work directories; the engine's default (`<tmp>/streamplane-pulumi`) if unset. */
  workRoot?: string;
  pulumiHome?: string;
  /** Directory of the Pulumi CLI installation; `pulumi` on PATH if unset. */
  commandRoot?: string;
}

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  http: { host: string; port: number; publicUrl: string; bodyLimitBytes: number; trustProxy: boolean };
  /**
   * The workers' own HTTP endpoints (/healthz, /readyz, /metrics; libs/workers), on HOST. PORT when it is set
   * (on Kubernetes every pod has its own network, so the same PORT as the api's); otherwise a default per
   * worker (WORKER_DEFAULT_PORTS), so that `npm start` runs the api and both workers side by side.
   */
  workerHttp: { host: string; port: Record<WorkerName, number> };
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
    upgrades: {
      /** How often the provisioner proposes Kafka upgrades (the `upgrades.propose` job scheduler). */
      checkIntervalSeconds: number;
      /** While an approved upgrade's preconditions are unmet, how often they are checked again in its window. */
      preconditionRetrySeconds: number;
      /** After the brokers rolled to the new version: how long they may take to be ready before it fails. */
      brokersReadyTimeoutSeconds: number;
      /** The pulumi engine's health probe: an agent report older than this counts as none. */
      agentHealthMaxAgeSeconds: number;
    };
    /** The local engine: where stack states live (shared by every provisioner process on this host). */
    localEngine: { stateDirectory: string; latencyScale: number };
    /**
     * The pulumi engine's settings as given. Only the provisioner runs the engine, so only it requires them
     * (`requirePulumiEngine`): the api and the billing worker need neither the backend nor its passphrase.
     */
    pulumiEngine: PulumiEngineSettings;
    /** The agent each deployment runs; its token is the deployment's own (AgentTokensService). */
    agent: {
      image: string;
      controlPlaneUrl: string;
    };
    /** The container image every pipeline stage runs (libs/pipelines); the stage's kind selects its code. */
    pipelineRunnerImage: string;
  };
  billing: {
    rollup: {
      /** How often the billing worker rolls up the hours marked by ingest (`usage.rollup`). */
      intervalSeconds: number;
      /** Pending hours per roll-up transaction. */
      batchSize: number;
      /** Roll-up transactions one worker runs at once (replicas share the work through SKIP LOCKED). */
      concurrency: number;
    };
    invoices: {
      /** How often every organization's draft invoice for the current month is recomputed. */
      refreshIntervalSeconds: number;
      /** How often drafts whose month has ended are finalized. */
      finalizeIntervalSeconds: number;
      /**
       * A month's draft is finalized this long after the month ended (events of its last minutes still in
       * flight land in it rather than as late usage next month), and only once none of its hours waits for
       * a roll-up.
       */
      finalizeDelayMinutes: number;
      /**
       * Finalized months whose end is at most this long ago are recomputed at every refresh, and usage that
       * arrived after their invoice goes on the current draft as late usage. Keep it above the age at which
       * ingest refuses events: older months are never looked at again.
       */
      lateUsageLookbackDays: number;
    };
    /** SIGTERM/SIGINT: time to finish the running job before exiting anyway. */
    shutdownTimeoutSeconds: number;
    credits: {
      /** Credits every new organization gets at sign-up, in minor units (cents): $200 by default. */
      signupAmountMinor: bigint;
      /** Calendar months (UTC) until the sign-up credits expire. */
      signupValidMonths: number;
    };
  };
  ingest: {
    /** Largest request body of POST /v1/ingest/events (a batch); larger ones get 413. */
    bodyLimitBytes: number;
    /** Most events in one batch; more get 413. */
    maxBatchEvents: number;
    /**
     * How old an event may be and still be accepted (its hour is then rolled up again). Older ones are
     * rejected TOO_OLD. Keep it below billing.invoices.lateUsageLookbackDays.
     */
    lateGraceHours: number;
    /** How far in the future an event's time may be (agent clock skew); further ones are IN_FUTURE. */
    maxFutureSkewSeconds: number;
    /** Per deployment: at most `batches` requests per `windowSeconds`, then 429 with Retry-After. */
    rateLimit: { batches: number; windowSeconds: number };
    /** How long a successful agent-token lookup is reused in-process (revocation elsewhere takes this long). */
    tokenCacheSeconds: number;
    /** PostgreSQL connections of the ingest path's own pool (bulk inserts, counter rebuilds). */
    dbPoolSize: number;
  };
  /** Replication links' health verdicts, failover pre-check bounds and alert thresholds. */
  replication: {
    staleAfterSeconds: number;
    laggingAboveMessages: number;
    laggingCheckpointAgeSeconds: number;
    failoverMaxLagMessages: number;
    failoverMaxCheckpointAgeSeconds: number;
    alertReplicationLatencySeconds: number;
    alertCheckpointAgeSeconds: number;
  };
  /** The simulated agent that sends made-up usage for local-engine deployments (development only). */
  agentSimulator: {
    /** Usage is reported per interval of this length (dividing an hour), at its end. */
    intervalSeconds: number;
  };
  tracing: TracingConfig;
}

/** OpenTelemetry tracing of every process (libs/observability startTracing). */
export interface TracingConfig {
  /**
   * Where spans go over OTLP/HTTP: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, or OTEL_EXPORTER_OTLP_ENDPOINT
   * with `/v1/traces` appended (the specification's rule). Unset: no span is recorded at all.
   */
  otlpTracesUrl?: string;
  /** Headers of each export request (credentials of a collector or vendor): never logged. */
  otlpHeaders: Record<string, string>;
  /** OTEL_SERVICE_NAME: replaces the process's own name (streamplane-api, -provisioner, -billing). */
  serviceName?: string;
  sampler: TraceSamplerName;
  /** The ratio of the `*traceidratio` samplers (OTEL_TRACES_SAMPLER_ARG), 0..1. */
  samplerRatio: number;
}

export type WorkerName = 'provisioner' | 'billing';

/** Where each worker serves /healthz, /readyz and /metrics when PORT is not set (9464: Prometheus exporters' usual port). */
export const WORKER_DEFAULT_PORTS: Readonly<Record<WorkerName, number>> = {
  provisioner: 9464,
  billing: 9465,
};

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
  for (const name of e.PULUMI_BACKEND_ENV ?? []) {
    if (env[name] === undefined) problems.push(`PULUMI_BACKEND_ENV: lists ${name}, which is not set`);
  }
  // Late usage is billed only for finalized months within the lookback: ingest must never accept older.
  if (e.BILLING_LATE_USAGE_LOOKBACK_DAYS * 24 < e.INGEST_LATE_GRACE_HOURS + 24)
    problems.push(
      `BILLING_LATE_USAGE_LOOKBACK_DAYS: must cover INGEST_LATE_GRACE_HOURS (${e.INGEST_LATE_GRACE_HOURS}) ` +
        'plus a day, or late events it accepts would never be billed',
    );
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
    workerHttp: {
      host: e.HOST,
      port:
        env.PORT === undefined || env.PORT === ''
          ? { ...WORKER_DEFAULT_PORTS }
          : { provisioner: e.PORT, billing: e.PORT },
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
      upgrades: {
        checkIntervalSeconds: e.PROVISIONER_UPGRADE_CHECK_INTERVAL_SECONDS,
        preconditionRetrySeconds: e.PROVISIONER_UPGRADE_PRECONDITION_RETRY_SECONDS,
        brokersReadyTimeoutSeconds: e.PROVISIONER_UPGRADE_BROKERS_READY_TIMEOUT_SECONDS,
        agentHealthMaxAgeSeconds: e.PROVISIONER_AGENT_HEALTH_MAX_AGE_SECONDS,
      },
      localEngine: {
        stateDirectory: e.LOCAL_ENGINE_STATE_DIR,
        latencyScale: e.LOCAL_ENGINE_LATENCY_SCALE,
      },
      pulumiEngine: {
        backendUrl: e.PULUMI_BACKEND_URL,
        secretsProvider: e.PULUMI_SECRETS_PROVIDER,
        passphrase: e.PULUMI_CONFIG_PASSPHRASE,
        backendEnv: Object.fromEntries((e.PULUMI_BACKEND_ENV ?? []).map((name) => [name, env[name]!])),
        workRoot: e.PULUMI_WORK_ROOT,
        pulumiHome: e.PULUMI_HOME,
        commandRoot: e.PULUMI_COMMAND_ROOT,
      },
      agent: {
        image: e.AGENT_IMAGE,
        controlPlaneUrl: (e.AGENT_CONTROL_PLANE_URL ?? e.PUBLIC_URL).replace(/\/$/, ''),
      },
      pipelineRunnerImage: e.PIPELINE_RUNNER_IMAGE,
    },
    billing: {
      rollup: {
        intervalSeconds: e.BILLING_ROLLUP_INTERVAL_SECONDS,
        batchSize: e.BILLING_ROLLUP_BATCH_SIZE,
        concurrency: e.BILLING_ROLLUP_CONCURRENCY,
      },
      invoices: {
        refreshIntervalSeconds: e.BILLING_INVOICE_REFRESH_INTERVAL_SECONDS,
        finalizeIntervalSeconds: e.BILLING_INVOICE_FINALIZE_INTERVAL_SECONDS,
        finalizeDelayMinutes: e.BILLING_INVOICE_FINALIZE_DELAY_MINUTES,
        lateUsageLookbackDays: e.BILLING_LATE_USAGE_LOOKBACK_DAYS,
      },
      shutdownTimeoutSeconds: e.BILLING_SHUTDOWN_TIMEOUT_SECONDS,
      credits: {
        signupAmountMinor: BigInt(e.BILLING_SIGNUP_CREDITS_MINOR),
        signupValidMonths: e.BILLING_SIGNUP_CREDITS_VALID_MONTHS,
      },
    },
    ingest: {
      bodyLimitBytes: e.INGEST_BODY_LIMIT_BYTES,
      maxBatchEvents: e.INGEST_MAX_BATCH_EVENTS,
      lateGraceHours: e.INGEST_LATE_GRACE_HOURS,
      maxFutureSkewSeconds: e.INGEST_MAX_FUTURE_SKEW_SECONDS,
      rateLimit: { batches: e.INGEST_RATE_LIMIT_BATCHES, windowSeconds: e.INGEST_RATE_LIMIT_WINDOW_SECONDS },
      tokenCacheSeconds: e.INGEST_TOKEN_CACHE_SECONDS,
      dbPoolSize: e.INGEST_DB_POOL_SIZE,
    },
    replication: {
      staleAfterSeconds: e.REPLICATION_STALE_AFTER_SECONDS,
      laggingAboveMessages: e.REPLICATION_LAGGING_ABOVE_MESSAGES,
      laggingCheckpointAgeSeconds: e.REPLICATION_LAGGING_CHECKPOINT_AGE_SECONDS,
      failoverMaxLagMessages: e.REPLICATION_FAILOVER_MAX_LAG_MESSAGES,
      failoverMaxCheckpointAgeSeconds: e.REPLICATION_FAILOVER_MAX_CHECKPOINT_AGE_SECONDS,
      alertReplicationLatencySeconds: e.REPLICATION_ALERT_LATENCY_SECONDS,
      alertCheckpointAgeSeconds: e.REPLICATION_ALERT_CHECKPOINT_AGE_SECONDS,
    },
    agentSimulator: { intervalSeconds: e.AGENT_SIMULATOR_INTERVAL_SECONDS },
    tracing: {
      otlpTracesUrl:
        e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`),
      otlpHeaders: { ...e.OTEL_EXPORTER_OTLP_HEADERS, ...e.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
      serviceName: e.OTEL_SERVICE_NAME,
      sampler: e.OTEL_TRACES_SAMPLER,
      samplerRatio: e.OTEL_TRACES_SAMPLER_ARG,
    },
  };
}

/** The pulumi engine's settings with what it cannot run without. */
export type RequiredPulumiEngineSettings = PulumiEngineSettings & {
  backendUrl: string;
  secretsProvider: string;
};

/**
 * The pulumi engine's settings, for the process that runs it (the provisioner, at boot), or a ConfigError
 * naming each missing variable. Values are never echoed: the passphrase is a secret.
 */
export function requirePulumiEngine(config: AppConfig): RequiredPulumiEngineSettings {
  const settings = config.provisioning.pulumiEngine;
  const problems: string[] = [];
  if (!settings.backendUrl) {
    problems.push(
      'PULUMI_BACKEND_URL: is required when CLOUD_ENGINE=pulumi (e.g. s3://bucket, azblob://container, https://api.pulumi.com)',
    );
  }
  if (!settings.secretsProvider) {
    problems.push(
      'PULUMI_SECRETS_PROVIDER: is required when CLOUD_ENGINE=pulumi (passphrase, or a KMS key such as awskms://alias/…)',
    );
  }
  if (settings.secretsProvider === 'passphrase' && !settings.passphrase) {
    problems.push('PULUMI_CONFIG_PASSPHRASE: is required when PULUMI_SECRETS_PROVIDER=passphrase');
  }
  if (problems.length > 0 || !settings.backendUrl || !settings.secretsProvider)
    throw new ConfigError(problems);
  return { ...settings, backendUrl: settings.backendUrl, secretsProvider: settings.secretsProvider };
}
