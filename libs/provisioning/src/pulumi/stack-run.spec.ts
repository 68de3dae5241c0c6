import type { ConfigMap, Deployment, EngineEvent, OpType } from '@pulumi/pulumi/automation';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import type { ResourceEvent } from '../stack-engine';
import { makeInput } from '../testing/factories';
import { PulumiStackEngine } from './pulumi-stack-engine';
import type { RunSpec } from './runner-protocol';
import type { AutomationApi, AutomationStack } from './stack-run';
import { runStackOperation } from './stack-run';
import { STDERR, commandError } from './testing/automation-errors';

const URN = 'urn:pulumi:dep-1::streamplane::azure-native:resources:ResourceGroup::orders-rg';
const TYPE = 'azure-native:resources:ResourceGroup';

function step(kind: 'resourcePreEvent' | 'resOutputsEvent', op: OpType): EngineEvent {
  const state = { type: TYPE, urn: URN, id: '', parent: '', inputs: {}, outputs: {}, provider: '' };
  return {
    sequence: 1,
    timestamp: 1,
    [kind]: { metadata: { op, urn: URN, type: TYPE, new: state, provider: '' } },
  };
}

/** A stack that records every call and plays scripted engine events. */
class FakeStack implements AutomationStack {
  readonly calls: string[] = [];
  config: ConfigMap = {};
  deployment: Deployment = { version: 3, deployment: { resources: [{ urn: URN }], pending_operations: [] } };
  imported: Deployment | undefined;
  events: EngineEvent[] = [step('resourcePreEvent', 'create'), step('resOutputsEvent', 'create')];
  failWith: Error | undefined;
  cancelFails = false;
  upOptions: Record<string, unknown> = {};

  private async operation(name: string, options: { onEvent?: (event: EngineEvent) => void }) {
    this.calls.push(name);
    for (const event of this.events) options.onEvent?.(event);
    if (this.failWith) throw this.failWith;
    await Promise.resolve();
  }
  async up(options: Parameters<AutomationStack['up']>[0]) {
    this.upOptions = options as Record<string, unknown>;
    await this.operation('up', options);
    return {
      outputs: {
        clusterName: { value: 'aks-1', secret: false },
        kubeconfig: { value: 'apiVersion: v1', secret: true },
      },
      summary: { resourceChanges: { create: 1, same: 2 } },
    };
  }
  async preview(options: Parameters<AutomationStack['preview']>[0]) {
    await this.operation('preview', options);
    return { changeSummary: { create: 1 } };
  }
  async destroy(options: Parameters<AutomationStack['destroy']>[0]) {
    await this.operation('destroy', options);
    return { summary: { resourceChanges: { delete: 1 } } };
  }
  async refresh(options: Parameters<AutomationStack['refresh']>[0]) {
    await this.operation(options.onEvent ? 'refresh' : 'refresh (recovery)', options);
    return { summary: { resourceChanges: { same: 1 } } };
  }
  cancel() {
    this.calls.push('cancel');
    return this.cancelFails
      ? Promise.reject(commandError('error: no update in progress\n'))
      : Promise.resolve();
  }
  exportStack() {
    this.calls.push('exportStack');
    return Promise.resolve(structuredClone(this.deployment));
  }
  importStack(state: Deployment) {
    this.calls.push('importStack');
    this.imported = state;
    return Promise.resolve();
  }
  setAllConfig(config: ConfigMap) {
    this.calls.push('setAllConfig');
    this.config = config;
    return Promise.resolve();
  }
  outputs() {
    this.calls.push('outputs');
    return Promise.resolve({ clusterName: { value: 'aks-1', secret: false } });
  }
}

function fakeApi(stack: FakeStack, missing = false): AutomationApi & { selected: string[] } {
  const selected: string[] = [];
  return {
    selected,
    createOrSelectStack: (args) => {
      selected.push(`createOrSelect ${args.stackName}`);
      return Promise.resolve(stack);
    },
    selectStack: (args) => {
      selected.push(`select ${args.stackName}`);
      return missing ? Promise.reject(commandError(STDERR.stackNotFound)) : Promise.resolve(stack);
    },
  };
}

const engine = new PulumiStackEngine({
  backendUrl: 'file:///state',
  secretsProvider: 'passphrase',
  passphrase: 'pw',
});
const credentials = {
  cloud: 'azure',
  tenantId: 't',
  clientId: 'c',
  clientSecret: 'the-client-secret',
  subscriptionId: 's',
} as const;

function spec(operation: RunSpec['operation'], extra: Partial<RunSpec> = {}): RunSpec {
  return {
    ...engine.runSpecFor(operation, {
      stackName: 'dep-1',
      input: makeInput('azure'),
      credentials,
      onEvent: () => undefined,
    }),
    ...extra,
  };
}

function run(runSpec: RunSpec, stack: FakeStack, options: { missing?: boolean; signal?: AbortSignal } = {}) {
  const events: Omit<ResourceEvent, 'sequence'>[] = [];
  const api = fakeApi(stack, options.missing);
  const result = runStackOperation(runSpec, {
    api,
    program: () => Promise.resolve({}),
    workspaceOptions: { workDir: '/tmp/x' },
    signal: options.signal ?? new AbortController().signal,
    emit: (event) => events.push(event),
  });
  return { result, events, api };
}

describe('a stack operation through the Automation API (fake API, no CLI)', () => {
  it('up: creates or selects the stack, sets its config, runs with the events wired, returns the outputs', async () => {
    const stack = new FakeStack();
    const { result, events, api } = run(spec('up', { continueOnError: true }), stack);
    expect(await result).toEqual({
      summary: { created: 1, updated: 0, replaced: 0, deleted: 0, same: 2 },
      outputs: {
        clusterName: { value: 'aks-1', secret: false },
        kubeconfig: { value: 'apiVersion: v1', secret: true },
      },
    });
    expect(api.selected).toEqual(['createOrSelect dep-1']);
    expect(stack.calls).toEqual(['setAllConfig', 'up']);
    expect(stack.config).toEqual({ 'azure-native:location': { value: 'westeurope', secret: false } });
    expect(stack.upOptions).toMatchObject({ color: 'never', continueOnError: true });
    expect(events.map((e) => `${e.operation}/${e.state}`)).toEqual([
      'create/in_progress',
      'create/succeeded',
    ]);
  });

  it('destroy and refresh need an existing stack: STACK_NOT_FOUND otherwise', async () => {
    for (const operation of ['destroy', 'refresh'] as const) {
      const { result, api } = run(spec(operation), new FakeStack(), { missing: true });
      await expect(result).rejects.toMatchObject({ code: ProvisioningErrorCode.STACK_NOT_FOUND });
      expect(api.selected).toEqual(['select dep-1']);
    }
  });

  it('refresh returns the stack outputs after it', async () => {
    const stack = new FakeStack();
    const { result } = run(spec('refresh'), stack);
    expect((await result).outputs).toEqual({ clusterName: { value: 'aks-1', secret: false } });
    expect(stack.calls).toEqual(['setAllConfig', 'refresh', 'outputs']);
  });

  it('preview: the plan comes from the engine events', async () => {
    const stack = new FakeStack();
    stack.events = [step('resourcePreEvent', 'create')];
    const { result } = run(spec('preview'), stack);
    expect(await result).toEqual({
      summary: { created: 1, updated: 0, replaced: 0, deleted: 0, same: 0 },
      plan: [{ urn: URN, type: TYPE, name: 'orders-rg', operation: 'create' }],
    });
  });

  it('never touches locks or pending operations unless told the previous run was interrupted', async () => {
    const stack = new FakeStack();
    stack.deployment.deployment.pending_operations = [
      { resource: { urn: URN, type: TYPE }, type: 'creating' },
    ];
    stack.failWith = commandError(STDERR.pendingOperations);
    const { result } = run(spec('up'), stack);
    const error = await result.catch((e: ProvisioningError) => e);
    expect(error).toMatchObject({ code: ProvisioningErrorCode.PENDING_OPERATIONS, retryable: true });
    expect(stack.calls).toEqual(['setAllConfig', 'up']);
  });

  it('after an interrupted run: cancels its update, clears its pending operations, refreshes, then runs', async () => {
    const stack = new FakeStack();
    const pending = [
      { resource: { urn: URN, type: TYPE }, type: 'creating' },
      { resource: { urn: `${URN}-2`, type: TYPE }, type: 'updating' },
    ];
    stack.deployment.deployment.pending_operations = pending;
    const { result } = run(spec('up', { previousRunInterrupted: true }), stack);
    const outcome = await result;

    expect(stack.calls).toEqual([
      'setAllConfig',
      'cancel',
      'exportStack',
      'importStack',
      'refresh (recovery)',
      'up',
    ]);
    // Imported back exactly as exported, minus the pending operations.
    expect(stack.imported).toEqual({
      version: 3,
      deployment: { resources: [{ urn: URN }], pending_operations: [] },
    });
    expect(outcome.recovery).toEqual({
      clearedLock: true,
      clearedPendingOperations: [
        { urn: URN, operation: 'creating' },
        { urn: `${URN}-2`, operation: 'updating' },
      ],
      possibleOrphans: [URN],
    });
  });

  it('after an interrupted run with nothing left behind: no import, no refresh, no recovery report', async () => {
    const stack = new FakeStack();
    stack.cancelFails = true;
    const { result } = run(spec('destroy', { previousRunInterrupted: true }), stack);
    const outcome = await result;
    expect(stack.calls).toEqual(['setAllConfig', 'cancel', 'exportStack', 'destroy']);
    expect(outcome.recovery).toBeUndefined();
    expect(outcome.summary.deleted).toBe(1);
  });

  it('a failed step becomes RESOURCE_FAILED naming the resource, and credentials never reach the message', async () => {
    const stack = new FakeStack();
    stack.events = [
      step('resourcePreEvent', 'create'),
      {
        sequence: 2,
        timestamp: 2,
        diagnosticEvent: {
          urn: URN,
          message: 'request signed with the-client-secret was refused: Code="InvalidParameter"',
          color: 'never',
          severity: 'error',
        },
      },
      {
        sequence: 3,
        timestamp: 3,
        resOpFailedEvent: {
          metadata: { op: 'create', urn: URN, type: TYPE, provider: '' },
          status: 1,
          steps: 1,
        },
      },
    ];
    stack.failWith = commandError(STDERR.updateFailed);
    const { result, events } = run(spec('up'), stack);
    const error = (await result.catch((e: unknown) => e)) as ProvisioningError;
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error.code).toBe(ProvisioningErrorCode.RESOURCE_FAILED);
    expect(error.resource).toMatchObject({ urn: URN, type: TYPE, name: 'orders-rg' });
    expect(JSON.stringify([error.message, error.failedResources, events])).not.toContain('the-client-secret');
    expect(events.at(-1)).toMatchObject({ state: 'failed', error: expect.stringContaining('[redacted]') });
  });

  it('a cancel that arrives before the operation starts stops it before anything changes', async () => {
    const stack = new FakeStack();
    const controller = new AbortController();
    controller.abort();
    const { result } = run(spec('up', { previousRunInterrupted: true }), stack, {
      signal: controller.signal,
    });
    await expect(result).rejects.toMatchObject({ code: ProvisioningErrorCode.CANCELLED });
    expect(stack.calls).toEqual([]);
  });
});
