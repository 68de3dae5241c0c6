/**
 * A stand-in for stack-runner.main.ts that speaks the same IPC protocol with scripted behaviour, so the
 * parent side of the pulumi engine (fork, relay, cancel, crash handling) is tested without a Pulumi CLI.
 * The scenario is the run's stack name.
 */
import type { ChildMessage, RunSpec } from '../runner-protocol';
import { isParentMessage } from '../runner-protocol';

const send = (message: ChildMessage | { type: 'nonsense' } | string) =>
  new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));

const resource = (name: string) => ({
  urn: `urn:pulumi:stack::streamplane::azure-native:resources:ResourceGroup::${name}`,
  type: 'azure-native:resources:ResourceGroup',
  name,
  time: new Date(0).toISOString(),
});

let cancelled = false;
let cancelWaiter: (() => void) | undefined;

async function run(spec: RunSpec): Promise<void> {
  switch (spec.stackName) {
    case 'fake-success': {
      await send('not a protocol message');
      await send({ type: 'nonsense' });
      await send({ type: 'event', event: { ...resource('rg'), operation: 'create', state: 'in_progress' } });
      await send({ type: 'event', event: { ...resource('rg'), operation: 'create', state: 'succeeded' } });
      await send({ type: 'log', level: 'warning', message: `a warning mentioning ${secretOf(spec)}` });
      await send({
        type: 'result',
        result: {
          summary: { created: 1, updated: 0, replaced: 0, deleted: 0, same: 1 },
          outputs: {
            clusterName: { value: 'aks-1', secret: false },
            kubeconfig: { value: 'apiVersion: v1', secret: true },
            // What the child saw, for the test to check (never do this in a real runner).
            seenEnvironment: { value: Object.keys(process.env).sort(), secret: false },
            seenSpec: {
              value: {
                operation: spec.operation,
                credentialsCloud: spec.credentials.cloud,
                token: spec.input.agent.token,
                envVarNames: Object.keys(spec.workspace.envVars).sort(),
                config: spec.config,
                previousRunInterrupted: spec.previousRunInterrupted,
              },
              secret: false,
            },
          },
        },
      });
      return process.exit(0);
    }
    case 'fake-preview':
      await send({ type: 'event', event: { ...resource('rg'), operation: 'create', state: 'pending' } });
      await send({
        type: 'result',
        result: {
          summary: { created: 1, updated: 0, replaced: 0, deleted: 0, same: 0 },
          plan: [{ urn: resource('rg').urn, type: resource('rg').type, name: 'rg', operation: 'create' }],
        },
      });
      return process.exit(0);
    case 'fake-resource-failure':
      await send({
        type: 'error',
        error: {
          code: 'RESOURCE_FAILED',
          message: "azure-native:resources:ResourceGroup 'rg' failed: quota exceeded",
          retryable: false,
          failedResources: [{ ...resource('rg'), message: 'quota exceeded' }],
        },
      });
      return process.exit(0);
    case 'fake-crash':
      await send({ type: 'event', event: { ...resource('rg'), operation: 'create', state: 'in_progress' } });
      return process.exit(3);
    case 'fake-slow':
      // Stops at a consistent point shortly after a cancel request, as the CLI does on SIGINT.
      for (let i = 0; !cancelled; i += 1) {
        await send({
          type: 'event',
          event: { ...resource(`rg-${i}`), operation: 'create', state: 'succeeded' },
        });
        await waitForCancel(20);
      }
      await send({
        type: 'error',
        error: { code: 'CANCELLED', message: 'The operation was cancelled', retryable: false },
      });
      return process.exit(0);
    case 'fake-stubborn':
      // Ignores cancel requests: the parent has to kill it.
      setInterval(() => undefined, 1000);
      return;
    default:
      await send({
        type: 'error',
        error: { code: 'ENGINE_ERROR', message: `unknown scenario ${spec.stackName}`, retryable: false },
      });
      return process.exit(1);
  }
}

function secretOf(spec: RunSpec): string {
  return spec.credentials.cloud === 'azure'
    ? spec.credentials.clientSecret
    : spec.credentials.secretAccessKey;
}

function waitForCancel(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    cancelWaiter = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

process.on('message', (message: unknown) => {
  if (!isParentMessage(message)) return;
  if (message.type === 'cancel') {
    cancelled = true;
    cancelWaiter?.();
    return;
  }
  void run(message.run);
});

void send({ type: 'ready' });
