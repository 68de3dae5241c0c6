import type {
  ConfigMap,
  Deployment,
  DestroyOptions,
  EngineEvent,
  InlineProgramArgs,
  LocalWorkspaceOptions,
  OpMap,
  OutputMap,
  PreviewOptions,
  PulumiFn,
  RefreshOptions,
  UpOptions,
} from '@pulumi/pulumi/automation';
import { ProvisioningErrorCode, cancelledError } from '../provisioning.errors';
import type { JsonValue, WireOutputValue } from '../secret-value';
import type { RecoveryReport, ResourceEvent } from '../stack-engine';
import { EngineEventTranslator, summaryOf } from './engine-events';
import { redactor, toProvisioningError } from './error-mapping';
import type { RunSpec, WireResult } from './runner-protocol';
import { secretValuesOf } from './workspace-options';

/**
 * One stack operation through the Automation API, inside the run process. The API is injected (the
 * runner passes `LocalWorkspace`; tests pass a fake that records what was called) so the recovery rules
 * below are tested without a Pulumi CLI.
 *
 * Recovery rule. A lock or pending operations left by an interrupted run are only ever touched when the
 * caller sets `previousRunInterrupted` — it holds the deployment's lease, so the run that left them cannot
 * still be alive. Then, before the operation:
 *   1. `stack.cancel()` ends the dead run's update (Pulumi Cloud) or removes its lock file (DIY backends);
 *      an error here only means there was nothing to cancel.
 *   2. `exportStack()`; if the deployment has `pending_operations`, they are removed and the deployment
 *      imported back (`importStack`), then `refresh()` reads back what the interrupted steps did.
 *      Interrupted *creates* may have made cloud resources the state no longer knows: they are reported as
 *      `possibleOrphans` (the next `up` may fail on them with "already exists" until someone imports or
 *      deletes them).
 * Without the flag, a lock is STACK_LOCKED / CONCURRENT_UPDATE and pending operations PENDING_OPERATIONS,
 * all retryable: the worker decides whether the previous attempt is dead and retries with the flag.
 */
export interface AutomationStack {
  up(options: UpOptions): Promise<{ outputs: OutputMap; summary: { resourceChanges?: OpMap } }>;
  preview(options: PreviewOptions): Promise<{ changeSummary: OpMap }>;
  destroy(options: DestroyOptions): Promise<{ summary: { resourceChanges?: OpMap } }>;
  refresh(options: RefreshOptions): Promise<{ summary: { resourceChanges?: OpMap } }>;
  cancel(): Promise<void>;
  exportStack(): Promise<Deployment>;
  importStack(state: Deployment): Promise<void>;
  setAllConfig(config: ConfigMap): Promise<void>;
  outputs(): Promise<OutputMap>;
}

export interface AutomationApi {
  createOrSelectStack(args: InlineProgramArgs, options: LocalWorkspaceOptions): Promise<AutomationStack>;
  selectStack(args: InlineProgramArgs, options: LocalWorkspaceOptions): Promise<AutomationStack>;
}

export interface StackRunDependencies {
  api: AutomationApi;
  program: PulumiFn;
  /** `LocalWorkspaceOptions` for the run (the runner adds the `PulumiCommand`). */
  workspaceOptions: LocalWorkspaceOptions;
  signal: AbortSignal;
  emit(event: Omit<ResourceEvent, 'sequence'>): void;
  log?(level: 'info' | 'warning' | 'error', message: string): void;
}

interface PendingOperationRecord {
  resource?: { urn?: string; type?: string };
  type?: string;
}

export async function runStackOperation(spec: RunSpec, deps: StackRunDependencies): Promise<WireResult> {
  const redact = redactor(secretValuesOf(spec.credentials, spec.workspace.envVars.PULUMI_CONFIG_PASSPHRASE));
  const translator = new EngineEventTranslator(
    spec.operation === 'preview' ? 'preview' : 'run',
    (event) => deps.emit(event),
    redact,
  );
  const common = {
    onEvent: (event: EngineEvent) => translator.handle(event),
    signal: deps.signal,
    color: 'never' as const,
  };
  try {
    const args: InlineProgramArgs = {
      stackName: spec.stackName,
      projectName: spec.projectName,
      program: deps.program,
    };
    // `up` and `preview` create the stack on first use; `destroy` and `refresh` need it to exist.
    const creates = spec.operation === 'up' || spec.operation === 'preview';
    const stack = creates
      ? await deps.api.createOrSelectStack(args, deps.workspaceOptions)
      : await deps.api.selectStack(args, deps.workspaceOptions);
    if (deps.signal.aborted) throw cancelledError();
    await stack.setAllConfig(
      Object.fromEntries(Object.entries(spec.config).map(([key, value]) => [key, { value, secret: false }])),
    );
    const recovery = spec.previousRunInterrupted ? await recover(stack, deps) : undefined;
    // A cancel that arrived before the run started: the CLI would never see it.
    if (deps.signal.aborted) throw cancelledError();
    const recovered =
      recovery && (recovery.clearedLock || recovery.clearedPendingOperations.length > 0) ? { recovery } : {};

    switch (spec.operation) {
      case 'preview': {
        const result = await stack.preview({ ...common });
        translator.finish();
        return {
          summary: translator.summary ?? summaryOf(result.changeSummary),
          plan: translator.plan,
          ...recovered,
        };
      }
      case 'up': {
        const result = await stack.up({ ...common, continueOnError: spec.continueOnError });
        translator.finish();
        return {
          summary: summaryOf(result.summary.resourceChanges),
          outputs: wireOutputs(result.outputs),
          ...recovered,
        };
      }
      case 'destroy': {
        const result = await stack.destroy({ ...common, continueOnError: spec.continueOnError });
        translator.finish();
        return { summary: summaryOf(result.summary.resourceChanges), outputs: {}, ...recovered };
      }
      case 'refresh': {
        const result = await stack.refresh({ ...common });
        translator.finish();
        return {
          summary: summaryOf(result.summary.resourceChanges),
          outputs: wireOutputs(await stack.outputs()),
          ...recovered,
        };
      }
    }
  } catch (error) {
    translator.finish();
    const mapped = toProvisioningError(error, {
      aborted: deps.signal.aborted,
      failures: translator.failures,
      programErrors: translator.programErrors,
      redact,
    });
    if (mapped.code === ProvisioningErrorCode.ENGINE_ERROR) deps.log?.('error', mapped.message);
    throw mapped;
  }
}

async function recover(stack: AutomationStack, deps: StackRunDependencies): Promise<RecoveryReport> {
  const report: RecoveryReport = { clearedLock: false, clearedPendingOperations: [], possibleOrphans: [] };
  try {
    await stack.cancel();
    report.clearedLock = true;
  } catch {
    // Nothing was in progress or locked.
  }
  const exported = await stack.exportStack();
  const deployment = (exported.deployment ?? {}) as { pending_operations?: PendingOperationRecord[] };
  const pending = deployment.pending_operations ?? [];
  if (pending.length > 0) {
    report.clearedPendingOperations = pending.map((op) => ({
      urn: op.resource?.urn ?? '(unknown)',
      operation: op.type ?? 'unknown',
    }));
    report.possibleOrphans = pending
      .filter((op) => op.type === 'creating')
      .map((op) => op.resource?.urn ?? '(unknown)');
    await stack.importStack({ ...exported, deployment: { ...deployment, pending_operations: [] } });
    deps.log?.(
      'warning',
      `Cleared ${pending.length} pending operation(s) of an interrupted run; refreshing before the operation`,
    );
    // Read back what the interrupted steps did before acting on the state.
    await stack.refresh({ signal: deps.signal, color: 'never' });
  }
  return report;
}

function wireOutputs(outputs: OutputMap): Record<string, WireOutputValue> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, { value, secret }]) => [
      key,
      { value: (value ?? null) as JsonValue, secret },
    ]),
  );
}
