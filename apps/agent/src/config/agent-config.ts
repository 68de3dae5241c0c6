import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { assertIntervalSeconds } from '../measure/usage-interval';

/** The real agent's configuration, from its environment (the infra program sets it; see infra/platform/agent.ts). */
export interface AgentConfig {
  deploymentId: string;
  controlPlaneUrl: string;
  /** The agent token: read again before every request when it comes from a file (the Secret is rotated in place). */
  token: { file: string } | { value: string };
  kafka: {
    brokers: string[];
    ssl: boolean;
    sslCaFile?: string;
    /** mTLS client certificate (Strimzi's user.crt/user.key). */
    mtls?: { cert: string; key: string };
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  };
  /** Unset: no Prometheus readings (bytes and volume-based usage are then not reported). */
  prometheusUrl?: string;
  spool: { dir: string; maxBytes: number };
  intervalSeconds: number;
  /** Port of /healthz and /readyz (Kubernetes probes); 0: none. */
  httpPort: number;
}

export class AgentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AgentConfigError';
  }
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const url = z.url({ protocol: /^https?$/ });

// Each setting under the name the infra program gives it and the short name for running it by hand.
const Env = z.object({
  STREAMPLANE_DEPLOYMENT_ID: optionalText,
  DEPLOYMENT_ID: optionalText,
  STREAMPLANE_CONTROL_PLANE_URL: optionalText,
  CONTROL_PLANE_URL: optionalText,
  AGENT_TOKEN: optionalText,
  STREAMPLANE_AGENT_TOKEN_FILE: optionalText,
  AGENT_TOKEN_FILE: optionalText,
  KAFKA_BROKERS: optionalText,
  KAFKA_BOOTSTRAP_SERVERS: optionalText,
  KAFKA_SECURITY_PROTOCOL: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']).optional(),
  KAFKA_SSL_CA_FILE: optionalText,
  KAFKA_CREDENTIALS_DIR: optionalText,
  KAFKA_SASL_MECHANISM: optionalText,
  KAFKA_SASL_USERNAME: optionalText,
  KAFKA_SASL_PASSWORD: optionalText,
  PROMETHEUS_URL: optionalText,
  STREAMPLANE_SPOOL_DIR: optionalText,
  SPOOL_DIR: optionalText,
  AGENT_SPOOL_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1_048_576)
    .default(256 * 1_048_576),
  AGENT_INTERVAL_SECONDS: z.coerce.number().int().default(60),
  STREAMPLANE_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  AGENT_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * Validates the environment once at start; every problem is named with its variable, so a misconfigured
 * agent stops with one clear message instead of failing later on its first request.
 */
export function loadAgentConfig(
  env: Record<string, string | undefined> = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): AgentConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new AgentConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const need = <T>(value: T | undefined, names: string): T | undefined => {
    if (value === undefined) problems.push(`${names}: required`);
    return value;
  };

  const deploymentId = need(
    e.STREAMPLANE_DEPLOYMENT_ID ?? e.DEPLOYMENT_ID,
    'STREAMPLANE_DEPLOYMENT_ID (or DEPLOYMENT_ID)',
  );
  if (deploymentId !== undefined && !z.uuid().safeParse(deploymentId).success) {
    problems.push('STREAMPLANE_DEPLOYMENT_ID: must be the deployment id (a UUID)');
  }
  const controlPlaneUrl = need(
    e.STREAMPLANE_CONTROL_PLANE_URL ?? e.CONTROL_PLANE_URL,
    'STREAMPLANE_CONTROL_PLANE_URL (or CONTROL_PLANE_URL)',
  );
  if (controlPlaneUrl !== undefined && !url.safeParse(controlPlaneUrl).success) {
    problems.push('CONTROL_PLANE_URL: must be an http(s) URL');
  }
  const tokenFile = e.STREAMPLANE_AGENT_TOKEN_FILE ?? e.AGENT_TOKEN_FILE;
  if (!e.AGENT_TOKEN && !tokenFile) problems.push('AGENT_TOKEN (or STREAMPLANE_AGENT_TOKEN_FILE): required');

  const brokerList = need(
    e.KAFKA_BROKERS ?? e.KAFKA_BOOTSTRAP_SERVERS,
    'KAFKA_BROKERS (or KAFKA_BOOTSTRAP_SERVERS)',
  );
  const brokers = (brokerList ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!BROKER.test(broker)) problems.push(`KAFKA_BROKERS: "${broker}" is not host:port`);
  }

  const protocol = e.KAFKA_SECURITY_PROTOCOL ?? (e.KAFKA_SASL_MECHANISM ? 'SASL_SSL' : 'PLAINTEXT');
  const readSecret = (path: string, name: string): string | undefined => {
    try {
      return readFile(path).trim();
    } catch (error) {
      problems.push(
        `${name}: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`,
      );
      return undefined;
    }
  };
  let sasl: AgentConfig['kafka']['sasl'];
  if (protocol.startsWith('SASL_')) {
    const mechanism = (e.KAFKA_SASL_MECHANISM ?? '').toLowerCase();
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      problems.push(
        `KAFKA_SASL_MECHANISM: one of ${SASL_MECHANISMS.join(', ')} (case-insensitive) for ${protocol}`,
      );
    }
    const username = need(e.KAFKA_SASL_USERNAME, 'KAFKA_SASL_USERNAME');
    const password =
      e.KAFKA_SASL_PASSWORD ??
      (e.KAFKA_CREDENTIALS_DIR
        ? readSecret(join(e.KAFKA_CREDENTIALS_DIR, 'password'), 'KAFKA_CREDENTIALS_DIR')
        : need(undefined, 'KAFKA_SASL_PASSWORD (or KAFKA_CREDENTIALS_DIR with a password file)'));
    if (username !== undefined && password !== undefined) {
      sasl = { mechanism: mechanism as (typeof SASL_MECHANISMS)[number], username, password };
    }
  }
  let mtls: AgentConfig['kafka']['mtls'];
  if (protocol === 'SSL' && e.KAFKA_CREDENTIALS_DIR) {
    const cert = readSecret(join(e.KAFKA_CREDENTIALS_DIR, 'user.crt'), 'KAFKA_CREDENTIALS_DIR');
    const key = readSecret(join(e.KAFKA_CREDENTIALS_DIR, 'user.key'), 'KAFKA_CREDENTIALS_DIR');
    if (cert !== undefined && key !== undefined) mtls = { cert, key };
  }

  if (e.PROMETHEUS_URL !== undefined && !url.safeParse(e.PROMETHEUS_URL).success) {
    problems.push('PROMETHEUS_URL: must be an http(s) URL');
  }
  try {
    assertIntervalSeconds(e.AGENT_INTERVAL_SECONDS);
  } catch (error) {
    problems.push(`AGENT_INTERVAL_SECONDS: ${(error as Error).message}`);
  }
  if (problems.length > 0) throw new AgentConfigError(problems);

  return {
    deploymentId: deploymentId!,
    controlPlaneUrl: controlPlaneUrl!.replace(/\/$/, ''),
    token: tokenFile ? { file: tokenFile } : { value: e.AGENT_TOKEN! },
    kafka: {
      brokers,
      ssl: protocol === 'SSL' || protocol === 'SASL_SSL',
      ...(e.KAFKA_SSL_CA_FILE ? { sslCaFile: e.KAFKA_SSL_CA_FILE } : {}),
      ...(mtls ? { mtls } : {}),
      ...(sasl ? { sasl } : {}),
    },
    ...(e.PROMETHEUS_URL ? { prometheusUrl: e.PROMETHEUS_URL.replace(/\/$/, '') } : {}),
    spool: {
      dir: e.STREAMPLANE_SPOOL_DIR ?? e.SPOOL_DIR ?? 'tmp/agent-spool',
      maxBytes: e.AGENT_SPOOL_MAX_BYTES,
    },
    intervalSeconds: e.AGENT_INTERVAL_SECONDS,
    httpPort: e.STREAMPLANE_HTTP_PORT ?? e.AGENT_HTTP_PORT ?? 8080,
  };
}

/** The token as it is now (a file is read again each time: Kubernetes updates a mounted Secret in place). */
export function agentTokenReader(
  token: AgentConfig['token'],
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): () => string {
  return 'value' in token ? () => token.value : () => readFile(token.file).trim();
}

/** `--simulate`: where the simulated agents keep their spools (one directory per deployment). */
export function simulatorSpoolDir(env: Record<string, string | undefined> = process.env): string {
  return (env.SPOOL_DIR?.trim() || 'tmp/agent-simulator-spool').replace(/\/$/, '');
}
