import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import type { CloudCredentials, StackRequest } from '../stack-engine';
import type { WorkspaceSpec } from './runner-protocol';

/** Settings of the pulumi engine (from the provisioner's typed configuration). */
export interface PulumiEngineConfig {
  /** Pulumi project name (part of every URN). Default `streamplane`. */
  projectName?: string;
  /**
   * State backend: `https://api.pulumi.com`, `s3://bucket/prefix?region=…`, `azblob://container?storage_account=…`,
   * `gs://bucket`, or `file:///path` (a single machine only).
   */
  backendUrl: string;
  /**
   * How stack secrets (kubeconfig, agent token, Grafana password) are encrypted in the state:
   * `awskms://alias/…?region=…`, `azurekeyvault://<vault>.vault.azure.net/keys/<key>`, `gcpkms://…`,
   * `hashivault://…`, or `passphrase` (with `passphrase`).
   */
  secretsProvider: string;
  passphrase?: string;
  /**
   * Streamplane's own credentials for the state backend and the secrets provider (e.g. `AZURE_STORAGE_KEY`,
   * `AZURE_KEYVAULT_AUTH_VIA_CLI`), given to the CLI beside the customer's. They must not use the variable
   * names of the customer's credentials (`ARM_*`, `AWS_ACCESS_KEY_ID`, …): see `cloudEnvironment`.
   */
  backendEnv?: Record<string, string>;
  /** Parent of the per-stack work directories (Pulumi.yaml, Pulumi.<stack>.yaml). Default `<tmp>/streamplane-pulumi`. */
  workRoot?: string;
  pulumiHome?: string;
  /** Directory of the Pulumi CLI installation; default: `pulumi` on PATH. */
  pulumiCommandRoot?: string;
  /** The program the child runs: default `deploymentProgram` from `@streamplane/infra`. */
  program?: { module: string; exportName: string };
  /** The child's entry point; default `stack-runner.main` beside this file (tests give a fake one). */
  runner?: { modulePath: string; execArgv?: string[] };
  /** After a cancel request, how long the run may take to stop at a consistent point before it is killed. */
  cancelGraceMs?: number;
  /** Receives the run's diagnostics and the child's stderr (never credentials). */
  log?: (level: 'info' | 'warning' | 'error', message: string) => void;
}

const SECRETS_PROVIDER =
  /^(passphrase|default|awskms:\/\/\S+|azurekeyvault:\/\/\S+|gcpkms:\/\/\S+|hashivault:\/\/\S+)$/;
const BACKEND_URL = /^(https?:\/\/\S+|s3:\/\/\S+|azblob:\/\/\S+|gs:\/\/\S+|file:\/\/\S+)$/;

/** Variables that carry the customer's credentials: never taken from `backendEnv`. */
const CUSTOMER_VARIABLES = new Set([
  'ARM_CLIENT_ID',
  'ARM_CLIENT_SECRET',
  'ARM_TENANT_ID',
  'ARM_SUBSCRIPTION_ID',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AAD_LOGIN_METHOD',
  'AAD_SERVICE_PRINCIPAL_CLIENT_ID',
  'AAD_SERVICE_PRINCIPAL_CLIENT_SECRET',
]);

/** The problems of a configuration; empty when it is usable. */
export function configProblems(config: PulumiEngineConfig): string[] {
  const problems: string[] = [];
  if (!BACKEND_URL.test(config.backendUrl ?? '')) {
    problems.push('backendUrl: must be an https://, s3://, azblob://, gs:// or file:// URL');
  }
  if (!SECRETS_PROVIDER.test(config.secretsProvider ?? '')) {
    problems.push(
      'secretsProvider: must be passphrase or an awskms://, azurekeyvault://, gcpkms:// or hashivault:// URL',
    );
  }
  if (config.secretsProvider === 'passphrase' && !config.passphrase) {
    problems.push('passphrase: required when secretsProvider is passphrase');
  }
  for (const name of Object.keys(config.backendEnv ?? {})) {
    if (CUSTOMER_VARIABLES.has(name)) {
      problems.push(`backendEnv.${name}: reserved for the customer's credentials of a run`);
    }
  }
  return problems;
}

/**
 * The Automation API workspace for one run: the project with its backend, the secrets provider, and the
 * CLI's environment — the backend's settings and the customer's credentials, for this run's CLI only.
 */
export function buildWorkspaceSpec(config: PulumiEngineConfig, request: StackRequest): WorkspaceSpec {
  const { credentials } = request;
  if (!credentials) {
    throw new ProvisioningError(
      ProvisioningErrorCode.INVALID_REQUEST,
      'The pulumi engine needs the cloud account credentials for every operation',
    );
  }
  const projectName = config.projectName ?? 'streamplane';
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: config.backendUrl,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_SKIP_CONFIRMATIONS: 'true',
    ...(config.passphrase ? { PULUMI_CONFIG_PASSPHRASE: config.passphrase } : {}),
    ...config.backendEnv,
    ...cloudEnvironment(credentials, request.input.spec.region),
  };
  return {
    workDir: path.join(config.workRoot ?? path.join(tmpdir(), 'streamplane-pulumi'), request.stackName),
    ...(config.pulumiHome ? { pulumiHome: config.pulumiHome } : {}),
    ...(config.pulumiCommandRoot ? { pulumiCommandRoot: config.pulumiCommandRoot } : {}),
    projectSettings: { name: projectName, runtime: 'nodejs', backend: { url: config.backendUrl } },
    secretsProvider: config.secretsProvider,
    envVars,
  };
}

/**
 * The customer's credentials as the providers read them.
 * - Azure: a service principal — `ARM_*` for azure-native, and `AAD_*` for `kubelogin`, which the AKS
 *   kubeconfig (Entra ID, local accounts off) runs to get a token for the Kubernetes provider.
 * - AWS: the assumed role's temporary credentials, and the region, because the EKS kubeconfig runs
 *   `aws eks get-token` in the same environment.
 */
export function cloudEnvironment(credentials: CloudCredentials, region: string): Record<string, string> {
  switch (credentials.cloud) {
    case 'azure':
      return {
        ARM_CLIENT_ID: credentials.clientId,
        ARM_CLIENT_SECRET: credentials.clientSecret,
        ARM_TENANT_ID: credentials.tenantId,
        ARM_SUBSCRIPTION_ID: credentials.subscriptionId,
        AAD_LOGIN_METHOD: 'spn',
        AAD_SERVICE_PRINCIPAL_CLIENT_ID: credentials.clientId,
        AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: credentials.clientSecret,
      };
    case 'aws':
      return {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
      };
  }
}

/** Every credential value, to be cut out of any message that leaves the run. */
export function secretValuesOf(credentials: CloudCredentials | undefined, passphrase?: string): string[] {
  const values: string[] = passphrase ? [passphrase] : [];
  if (credentials?.cloud === 'azure') values.push(credentials.clientSecret);
  if (credentials?.cloud === 'aws') values.push(credentials.secretAccessKey, credentials.sessionToken);
  return values.filter((value) => value.length >= 4);
}

/** Names of the parent's environment the run process inherits; nothing else (no DATABASE_URL, no secrets). */
export const INHERITED_ENVIRONMENT = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LC_ALL',
  'TZ',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SWC_NODE_PROJECT',
];

export function childEnvironment(parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENVIRONMENT) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
