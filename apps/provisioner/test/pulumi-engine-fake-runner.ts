/**
 * A stand-in for the pulumi engine's run process (libs/provisioning/src/pulumi/stack-runner.main.ts), forked
 * by the real PulumiStackEngine in pulumi-engine.int-spec.ts. It speaks the same IPC protocol, writes down
 * what the Pulumi CLI would have been given — variable names with SHA-256 digests of their values, never
 * the values — to `recorded-run.json` in the stack's work directory, and answers like a successful run.
 *
 * The message shapes are written out here rather than imported: this file runs in a bare child process,
 * and a protocol change that broke it would fail the test that forks it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The part of runner-protocol.ts's RunSpec this fake reads. */
interface RunSpec {
  operation: string;
  stackName: string;
  workspace: { workDir: string; envVars: Record<string, string> };
  credentials: { cloud: string };
}

/** What the test reads back (import it as a type only: importing this module would run it). */
export interface RecordedRun {
  operation: string;
  stackName: string;
  credentialsCloud: string;
  /** The Pulumi CLI's environment for this run: name → SHA-256 (hex) of the value. */
  cliEnvironment: Record<string, string>;
  /** Names in this run process's own environment. */
  runProcessEnvironment: string[];
}

/** Read by the test as `<work root>/<stack>/recorded-run.json`. */
const RECORD_FILE = 'recorded-run.json';

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const send = (message: unknown) =>
  new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));

const resource = (type: string, name: string) => ({
  urn: `urn:pulumi:stack::streamplane::${type}::${name}`,
  type,
  name,
  time: new Date().toISOString(),
});

async function run(spec: RunSpec): Promise<void> {
  const { envVars, workDir } = spec.workspace;
  const recorded: RecordedRun = {
    operation: spec.operation,
    stackName: spec.stackName,
    credentialsCloud: spec.credentials.cloud,
    cliEnvironment: Object.fromEntries(Object.entries(envVars).map(([name, value]) => [name, sha256(value)])),
    runProcessEnvironment: Object.keys(process.env).sort(),
  };
  mkdirSync(workDir, { recursive: true });
  writeFileSync(path.join(workDir, RECORD_FILE), JSON.stringify(recorded, null, 2));

  const cluster = resource('azure-native:containerservice:ManagedCluster', 'aks');
  await send({ type: 'event', event: { ...cluster, operation: 'create', state: 'in_progress' } });
  await send({ type: 'event', event: { ...cluster, operation: 'create', state: 'succeeded' } });
  // A diagnostic quoting the customer's secret, as a provider error might: it must reach the log redacted.
  const secret = envVars.ARM_CLIENT_SECRET ?? envVars.AWS_SECRET_ACCESS_KEY ?? '';
  await send({ type: 'log', level: 'warning', message: `provider said: invalid client secret ${secret}` });
  await send({
    type: 'result',
    result: {
      summary: { created: 1, updated: 0, replaced: 0, deleted: 0, same: 0 },
      outputs: {
        clusterName: { value: 'aks-recorded', secret: false },
        bootstrapInternal: { value: 'kafka-bootstrap.kafka.svc:9093', secret: false },
        kubeconfig: { value: 'apiVersion: v1', secret: true },
      },
    },
  });
  process.exit(0);
}

process.on('message', (message: { type?: string; run?: RunSpec }) => {
  if (message?.type === 'run' && message.run) void run(message.run);
});

void send({ type: 'ready' });
