import * as pulumi from '@pulumi/pulumi';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ProgramInput } from '@streamplane/infra';
import { ProvisioningError, ProvisioningErrorCode, cancelledError } from '../provisioning.errors';
import type { StackOutputs } from '../secret-value';
import { SecretValue } from '../secret-value';
import type {
  PreviewResult,
  RecoveryReport,
  StackEngine,
  StackOperation,
  StackRequest,
  StackRunResult,
} from '../stack-engine';
import {
  ResourceEventSequencer,
  assertCredentialsMatch,
  assertValidStackName,
  emptySummary,
} from '../stack-engine';
import { stackConfigFor } from '../stack-config';
import type { LocalStackState, LocalStateStore, PendingOperation, StackLock } from './local-state-store';
import { InMemoryLocalStateStore, emptyState } from './local-state-store';
import { createMockCloud } from './mock-cloud';
import type { PlanStep } from './plan';
import { planDestroy, planRefresh, planUp, toPlannedResources } from './plan';
import type { PlayoutHooks } from './playout';
import { countOperation, playOut } from './playout';
import type { DeploymentProgram, ProgramGraph } from './program-graph';
import { evaluateProgram, stableJson } from './program-graph';
import type { InjectedFailure, LatencyModel } from './simulation';

export interface LocalStackEngineOptions {
  /** The inline program; default: `deploymentProgram` from `@streamplane/infra`, loaded on first use. */
  program?: DeploymentProgram;
  /** Pulumi project name used in URNs (the pulumi engine uses the same). Default `streamplane`. */
  projectName?: string;
  /** Where stack states live; default in memory (gone with the process). */
  stateStore?: LocalStateStore;
  /** Per-step latency; default 0 (tests). `typicalLatency()` gives a realistic shape. */
  latency?: LatencyModel;
  /** Steps running at once per operation. Default 16. */
  parallelism?: number;
  /** Failures to inject from the start; more with `injectFailure`. */
  failures?: InjectedFailure[];
  /** Keep source-mapped stack traces while the program is evaluated (slower; see program-graph.ts). */
  sourceMappedStackTraces?: boolean;
  now?: () => Date;
}

const GRAPH_CACHE_SIZE = 32;

/** Run ids of the runs alive in this process: a lock held by one of them is not stale. */
const ACTIVE_RUNS = new Set<string>();

/**
 * The local stand-in for a cloud (ARCHITECTURE.md): the real infra program evaluated under Pulumi's mocks,
 * played out resource by resource against a stack state of its own. Everything it reports is simulated
 * (`simulated: true`, endpoints under `.local.streamplane.invalid`).
 */
export class LocalStackEngine implements StackEngine {
  readonly kind = 'local' as const;
  readonly simulated = true;

  private readonly store: LocalStateStore;
  private readonly projectName: string;
  private readonly parallelism: number;
  private readonly latency: LatencyModel;
  private readonly now: () => Date;
  private readonly failures: { failure: InjectedFailure; left: number }[] = [];
  private program: DeploymentProgram | undefined;
  private readonly sourceMappedStackTraces: boolean;
  /** Recent program graphs by request (least recently used first). */
  private readonly graphs = new Map<string, Promise<ProgramGraph>>();

  constructor(options: LocalStackEngineOptions = {}) {
    this.store = options.stateStore ?? new InMemoryLocalStateStore();
    this.projectName = options.projectName ?? 'streamplane';
    this.parallelism = Math.max(1, options.parallelism ?? 16);
    this.latency = options.latency ?? 0;
    this.now = options.now ?? (() => new Date());
    this.program = options.program;
    this.sourceMappedStackTraces = options.sourceMappedStackTraces ?? false;
    for (const failure of options.failures ?? []) this.injectFailure(failure);
  }

  /** Adds a failure; returns a function that removes it. */
  injectFailure(failure: InjectedFailure): () => void {
    const entry = { failure, left: failure.times ?? Number.POSITIVE_INFINITY };
    this.failures.push(entry);
    return () => {
      const index = this.failures.indexOf(entry);
      if (index >= 0) this.failures.splice(index, 1);
    };
  }

  clearFailures(): void {
    this.failures.length = 0;
  }

  async preview(request: StackRequest): Promise<PreviewResult> {
    const started = Date.now();
    this.validate(request);
    const graph = await this.evaluate(request);
    const state = await this.store.read(request.stackName);
    // Like Pulumi's preview it takes no lock. An interrupted create counts as not created: resources are
    // only written to the state once their step succeeded.
    const steps = planUp(graph, state);
    const events = new ResourceEventSequencer(request.onEvent, this.now);
    for (const step of steps) {
      events.emit({ ...identity(step), operation: step.operation, state: 'pending' });
    }
    const summary = emptySummary();
    for (const step of steps) countOperation(summary, step.operation);
    return {
      engine: 'local',
      simulated: true,
      summary,
      plan: toPlannedResources(steps),
      durationMs: Date.now() - started,
    };
  }

  up(request: StackRequest): Promise<StackRunResult> {
    return this.run('up', request, async (context) => {
      const graph = await this.evaluate(request);
      context.throwIfAborted();
      const steps = planUp(graph, context.state);
      const result = await context.playOut(steps);
      context.state.outputs = Object.fromEntries(
        Object.entries(graph.outputs).map(([key, { value, secret }]) => [
          key,
          secret ? { value: null, secret: true } : { value, secret: false },
        ]),
      );
      await context.save();
      return { ...result, outputs: outputsOf(graph) };
    });
  }

  destroy(request: StackRequest): Promise<StackRunResult> {
    return this.run('destroy', request, async (context) => {
      const result = await context.playOut(planDestroy(context.state));
      context.state.resources = [];
      context.state.outputs = {};
      await context.save();
      return { ...result, outputs: {} };
    });
  }

  refresh(request: StackRequest): Promise<StackRunResult> {
    return this.run('refresh', request, async (context) => {
      // Secret outputs are never stored: they are derived again from the (deterministic) program.
      const graph = await this.evaluate(request);
      const result = await context.playOut(planRefresh(context.state));
      const outputs: StackOutputs = {};
      for (const [key, stored] of Object.entries(context.state.outputs)) {
        const fresh = graph.outputs[key];
        outputs[key] = stored.secret ? new SecretValue(fresh?.secret ? fresh.value : null) : stored.value;
      }
      return { ...result, outputs };
    });
  }

  private validate(request: StackRequest): void {
    assertValidStackName(request.stackName);
    assertCredentialsMatch(request);
    if (request.signal?.aborted) throw cancelledError();
  }

  /**
   * The program's graph for a request. The graph is a pure function of the stack name and the input (the
   * program builds resources from its input only, and the mocks are deterministic), so the last few are
   * kept: a preview followed by the `up` it previewed evaluates the program once.
   */
  private async evaluate(request: StackRequest): Promise<ProgramGraph> {
    const { input } = request;
    const key =
      typeof input.agent.token === 'string' ? stableJson({ stackName: request.stackName, input }) : undefined;
    const cached = key ? this.graphs.get(key) : undefined;
    if (cached) {
      this.graphs.delete(key!);
      this.graphs.set(key!, cached);
      return cached;
    }
    const graph = evaluateProgram({
      program: withSecretToken(await this.loadProgram()),
      input,
      projectName: this.projectName,
      stackName: request.stackName,
      config: stackConfigFor(input.spec),
      sourceMappedStackTraces: this.sourceMappedStackTraces,
      cloud: createMockCloud({
        deploymentId: input.deploymentId,
        cloud: input.spec.cloud,
        region: input.spec.region,
        zones: input.spec.zones,
      }),
    });
    if (key) {
      this.graphs.set(key, graph);
      graph.catch(() => this.graphs.delete(key));
      while (this.graphs.size > GRAPH_CACHE_SIZE) this.graphs.delete(this.graphs.keys().next().value!);
    }
    return graph;
  }

  private async loadProgram(): Promise<DeploymentProgram> {
    if (!this.program) {
      // Loaded on first use: the cloud SDKs are large, and tests with a fixture program never need them.
      const infra = await import('@streamplane/infra');
      this.program = infra.deploymentProgram;
    }
    return this.program;
  }

  /** Lock, recover (only when told the previous run was interrupted), play out, unlock. */
  private async run(
    operation: Exclude<StackOperation, 'preview'>,
    request: StackRequest,
    body: (
      context: RunContext,
    ) => Promise<Omit<StackRunResult, 'engine' | 'simulated' | 'durationMs' | 'recovery'>>,
  ): Promise<StackRunResult> {
    const started = Date.now();
    this.validate(request);
    const { stackName } = request;
    const lock: StackLock = {
      runId: randomUUID(),
      operation,
      pid: process.pid,
      hostname: hostname(),
      acquiredAt: this.now().toISOString(),
    };
    const recovery: RecoveryReport = {
      clearedLock: false,
      clearedPendingOperations: [],
      possibleOrphans: [],
    };
    // Alive before it holds the lock, so a concurrent run never mistakes this one for a dead one.
    ACTIVE_RUNS.add(lock.runId);
    try {
      await this.acquire(stackName, lock, request, recovery);
    } catch (error) {
      ACTIVE_RUNS.delete(lock.runId);
      throw error;
    }
    try {
      let state = await this.store.read(stackName);
      if (!state) {
        if (operation !== 'up') {
          throw new ProvisioningError(
            ProvisioningErrorCode.STACK_NOT_FOUND,
            `Stack '${stackName}' does not exist`,
          );
        }
        state = emptyState(stackName, this.now());
      }
      if (state.pendingOperations.length > 0) {
        if (!request.previousRunInterrupted) {
          throw pendingOperationsError(stackName, state.pendingOperations);
        }
        // Simulated: an interrupted step never happened, so clearing it leaves nothing behind.
        recovery.clearedPendingOperations = state.pendingOperations.map(({ urn, operation: op }) => ({
          urn,
          operation: op,
        }));
        state.pendingOperations = [];
      }
      this.rejectCredentialsIfInjected(operation, request);
      const context: RunContext = new RunContext(state, this.store, this.now, request, (steps, events) =>
        playOut({
          steps,
          events,
          hooks: context.hooks,
          parallelism: this.parallelism,
          latencyMs: (step) => latencyOf(this.latency, step),
          failureFor: (step, index) => this.failureFor(operation, stackName, step, index),
          continueOnError: request.continueOnError ?? false,
          signal: request.signal,
        }),
      );
      await context.save();
      const result = await body(context);
      const recovered = recovery.clearedLock || recovery.clearedPendingOperations.length > 0;
      return {
        engine: 'local',
        simulated: true,
        ...result,
        durationMs: Date.now() - started,
        ...(recovered ? { recovery } : {}),
      };
    } catch (error) {
      throw asProvisioningError(error);
    } finally {
      ACTIVE_RUNS.delete(lock.runId);
      await this.store.unlock(stackName, lock.runId);
    }
  }

  private async acquire(stackName: string, lock: StackLock, request: StackRequest, recovery: RecoveryReport) {
    const holder = await this.store.lock(stackName, lock);
    if (!holder) return;
    if (isAlive(holder)) {
      throw new ProvisioningError(
        ProvisioningErrorCode.CONCURRENT_UPDATE,
        `Stack '${stackName}' is being changed by another run (${holder.operation} since ${holder.acquiredAt})`,
      );
    }
    if (!request.previousRunInterrupted) {
      throw new ProvisioningError(
        ProvisioningErrorCode.STACK_LOCKED,
        `Stack '${stackName}' is locked by a run that is no longer alive (${holder.operation} by pid ${holder.pid} on ${holder.hostname} since ${holder.acquiredAt}); retry as an interrupted run to take it over`,
      );
    }
    await this.store.unlock(stackName, holder.runId);
    recovery.clearedLock = true;
    const again = await this.store.lock(stackName, lock);
    if (again) {
      throw new ProvisioningError(
        ProvisioningErrorCode.CONCURRENT_UPDATE,
        `Stack '${stackName}' was taken by another run while recovering its lock`,
      );
    }
  }

  private rejectCredentialsIfInjected(
    operation: Exclude<StackOperation, 'preview'>,
    request: StackRequest,
  ): void {
    const hit = this.takeFailure(operation, request.stackName, (match) => 'credentialsRejected' in match);
    if (hit) {
      throw new ProvisioningError(
        ProvisioningErrorCode.CREDENTIALS_REJECTED,
        hit.message ?? 'The cloud rejected the credentials (simulated)',
      );
    }
  }

  private failureFor(
    operation: Exclude<StackOperation, 'preview'>,
    stackName: string,
    step: PlanStep,
    index: number,
  ): { message: string; transient: boolean } | undefined {
    const hit = this.takeFailure(operation, stackName, (match) =>
      'type' in match
        ? match.type === step.type
        : 'afterResources' in match
          ? index === match.afterResources + 1
          : false,
    );
    if (!hit) return undefined;
    return {
      message: hit.message ?? `${step.type} '${step.name}': the cloud returned an error (simulated failure)`,
      transient: hit.transient ?? false,
    };
  }

  private takeFailure(
    operation: Exclude<StackOperation, 'preview'>,
    stackName: string,
    matches: (match: InjectedFailure['match']) => boolean,
  ): InjectedFailure | undefined {
    const entry = this.failures.find(
      ({ failure, left }) =>
        left > 0 &&
        (failure.stackName === undefined || failure.stackName === stackName) &&
        (failure.operations ?? ['up']).includes(operation) &&
        matches(failure.match),
    );
    if (!entry) return undefined;
    entry.left -= 1;
    return entry.failure;
  }
}

/** One run's stack state, written through to the store after every step (coalesced). */
class RunContext {
  readonly hooks: PlayoutHooks;
  private pendingWrite: Promise<void> | undefined;
  private currentWrite: Promise<void> = Promise.resolve();

  constructor(
    readonly state: LocalStackState,
    private readonly store: LocalStateStore,
    private readonly now: () => Date,
    private readonly request: StackRequest,
    private readonly play: (steps: PlanStep[], events: ResourceEventSequencer) => ReturnType<typeof playOut>,
  ) {
    this.hooks = {
      started: (step: PlanStep) => {
        const operation = pendingOperationOf(step);
        if (!operation) return Promise.resolve();
        this.state.pendingOperations.push({ urn: step.urn, type: step.type, operation });
        return this.save();
      },
      succeeded: (step: PlanStep) => {
        this.apply(step);
        this.dropPending(step.urn);
        return this.save();
      },
      abandoned: (step: PlanStep) => {
        this.dropPending(step.urn);
        return this.save();
      },
      // Written with the next save: the option only matters to a later run.
      unchanged: (step: PlanStep) => this.apply(step),
    };
  }

  throwIfAborted(): void {
    if (this.request.signal?.aborted) throw cancelledError();
  }

  async playOut(steps: PlanStep[]) {
    const events = new ResourceEventSequencer(this.request.onEvent, this.now);
    const outcome = await this.play(steps, events);
    if (outcome.failed.length > 0) {
      const [first] = outcome.failed;
      const failedResources = outcome.failed.map(({ transient: _transient, ...resource }) => resource);
      throw new ProvisioningError(
        ProvisioningErrorCode.RESOURCE_FAILED,
        `${first.type} '${first.name}' failed: ${first.message}`,
        { failedResources, retryable: outcome.failed.every((failure) => failure.transient) },
      );
    }
    if (outcome.cancelled) throw cancelledError();
    return { summary: outcome.summary };
  }

  /** Resolves once a write that includes every change made so far has completed. */
  save(): Promise<void> {
    if (!this.pendingWrite) {
      this.pendingWrite = this.currentWrite
        .catch(() => undefined)
        .then(() => {
          this.pendingWrite = undefined;
          this.state.updatedAt = this.now().toISOString();
          this.currentWrite = this.store.write(this.state).catch((error: unknown) => {
            throw new ProvisioningError(
              ProvisioningErrorCode.ENGINE_UNAVAILABLE,
              `The stack state could not be written: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            );
          });
          return this.currentWrite;
        });
    }
    return this.pendingWrite;
  }

  private apply(step: PlanStep): void {
    const resources = this.state.resources;
    const index = resources.findIndex((resource) => resource.urn === step.urn);
    switch (step.operation) {
      case 'delete':
      case 'retain': // no cloud delete: the resource only leaves the stack's state
        if (index >= 0) resources.splice(index, 1);
        return;
      case 'same': {
        // Unchanged inputs, but the program may have changed the option a later delete depends on.
        const retainOnDelete = step.node?.retainOnDelete === true;
        if (index >= 0 && (resources[index].retainOnDelete === true) !== retainOnDelete) {
          const { retainOnDelete: _previous, ...rest } = resources[index];
          resources[index] = { ...rest, ...(retainOnDelete ? { retainOnDelete } : {}) };
        }
        return;
      }
      case 'refresh':
        return;
      case 'create':
      case 'update':
      case 'replace':
      case 'read': {
        const node = step.node!;
        const stored = {
          urn: node.urn,
          type: node.type,
          name: node.name,
          ...(node.parentUrn ? { parentUrn: node.parentUrn } : {}),
          custom: node.custom,
          kind: node.kind,
          ...(node.id ? { id: node.id } : {}),
          dependencies: node.dependencies,
          inputDigests: node.inputDigests,
          ...(node.retainOnDelete ? { retainOnDelete: true } : {}),
        };
        if (index >= 0) resources[index] = stored;
        else resources.push(stored);
        return;
      }
    }
  }

  private dropPending(urn: string): void {
    this.state.pendingOperations = this.state.pendingOperations.filter((op) => op.urn !== urn);
  }
}

function pendingOperationOf(step: PlanStep): PendingOperation['operation'] | undefined {
  switch (step.operation) {
    case 'create':
    case 'replace':
      return 'creating';
    case 'update':
      return 'updating';
    case 'delete':
      return 'deleting';
    case 'retain': // nothing happens in the cloud: an interrupted retain leaves nothing behind
    case 'same':
    case 'read':
    case 'refresh':
      return undefined;
  }
}

/** Anything unexpected (a bug, not the simulated cloud) as a non-retryable engine error. */
function asProvisioningError(error: unknown): ProvisioningError {
  if (error instanceof ProvisioningError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProvisioningError(ProvisioningErrorCode.ENGINE_ERROR, `The local engine failed: ${message}`, {
    cause: error,
  });
}

function pendingOperationsError(stackName: string, operations: PendingOperation[]): ProvisioningError {
  const list = operations.map((op) => `${op.urn} (interrupted while ${op.operation})`).join(', ');
  return new ProvisioningError(
    ProvisioningErrorCode.PENDING_OPERATIONS,
    `Stack '${stackName}' has ${operations.length} operation(s) an interrupted run left pending: ${list}`,
  );
}

function isAlive(lock: StackLock): boolean {
  if (lock.hostname !== hostname()) return true; // cannot tell: assume it is
  if (lock.pid === process.pid) return ACTIVE_RUNS.has(lock.runId);
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function latencyOf(model: LatencyModel, step: PlanStep): number {
  if (!step.custom || step.operation === 'retain') return 0; // a retain calls no cloud API
  return typeof model === 'number'
    ? model
    : model({ type: step.type, operation: step.operation, custom: step.custom });
}

function identity(step: PlanStep) {
  return {
    urn: step.urn,
    type: step.type,
    name: step.name,
    ...(step.parentUrn ? { parentUrn: step.parentUrn } : {}),
  };
}

function outputsOf(graph: ProgramGraph): StackOutputs {
  return Object.fromEntries(
    Object.entries(graph.outputs).map(([key, { value, secret }]) => [
      key,
      secret ? new SecretValue(value) : value,
    ]),
  );
}

/** The agent token is a secret wherever the program puts it, as it is in a real run. */
function withSecretToken(program: DeploymentProgram): DeploymentProgram {
  return (input: ProgramInput) =>
    program({ ...input, agent: { ...input.agent, token: pulumi.secret(input.agent.token) } });
}
