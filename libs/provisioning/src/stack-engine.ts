import type { ProgramInput } from '@streamplane/infra';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.errors';
import type { StackOutputs } from './secret-value';

/**
 * The one boundary through which anything reaches a cloud (ARCHITECTURE.md, "StackEngine").
 *
 * Each method runs one operation on one stack (one deployment) and resolves once it has finished, or
 * rejects with a `ProvisioningError`. Resource events stream through `onEvent` while it runs.
 *
 * Why a callback and not an async iterable: an operation has exactly one outcome (a typed result or a
 * typed error) besides its stream of events, and a promise carries that outcome the way every caller
 * already handles one; an iterator would have to fold the result into its last item and the error into
 * its `throw`. A cloud run cannot be paused, so an iterator's back-pressure would only mean buffering
 * inside the engine; with a callback the caller chooses its own buffering (the provisioner queues events
 * for PostgreSQL and Redis and keys them by `sequence`). `onEvent` must not throw; an exception it throws
 * is caught and ignored so that a persistence problem cannot break a run half-way.
 *
 * Callers run at most one operation per stack at a time (the provisioner's per-deployment lease); an
 * engine refuses a second concurrent one with CONCURRENT_UPDATE.
 */
export interface StackEngine {
  readonly kind: StackEngineKind;
  /** True for the local engine: nothing it reports exists in any cloud. */
  readonly simulated: boolean;
  /** Plans without changing anything: the exact resources and what would happen to each. */
  preview(request: StackRequest): Promise<PreviewResult>;
  /** Creates or updates the stack to match the program; creates the stack when it does not exist. */
  up(request: StackRequest): Promise<StackRunResult>;
  /** Deletes every resource the stack holds, in reverse dependency order. The stack must exist. */
  destroy(request: StackRequest): Promise<StackRunResult>;
  /** Reads every resource the stack holds back from the cloud into its state. The stack must exist. */
  refresh(request: StackRequest): Promise<StackRunResult>;
}

export type StackEngineKind = 'local' | 'pulumi';
export type StackOperation = 'preview' | 'up' | 'destroy' | 'refresh';
export const STACK_OPERATIONS: readonly StackOperation[] = ['preview', 'up', 'destroy', 'refresh'];

export interface StackRequest {
  /** One stack per deployment, e.g. `dep-<deployment id>`; letters, digits, '.', '_', '-' (1..100). */
  stackName: string;
  input: ProgramInput;
  /** The customer's credentials for this run only. Required by the pulumi engine; the local engine ignores them. */
  credentials?: CloudCredentials;
  signal?: AbortSignal;
  onEvent: (event: ResourceEvent) => void;
  /**
   * Set by a caller that holds the deployment's lease and knows that the previous attempt of this operation
   * did not finish (its worker crashed). Only then may an engine clear the lock and the pending operations
   * that attempt left behind; without it, they are reported as STACK_LOCKED / PENDING_OPERATIONS.
   */
  previousRunInterrupted?: boolean;
  /**
   * On a resource failure, keep going with everything that does not depend on it (Pulumi's
   * `--continue-on-error`). Default false: no new step starts after a failure, steps already running finish.
   */
  continueOnError?: boolean;
}

export type CloudCredentials = AzureCredentials | AwsCredentials;

/** A service principal in the customer's tenant. */
export interface AzureCredentials {
  cloud: 'azure';
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
}

/** Temporary credentials of the customer's role, assumed by Streamplane with the account's external id. */
export interface AwsCredentials {
  cloud: 'aws';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** When the session expires (ISO-8601); a run longer than the session fails with CREDENTIALS_REJECTED. */
  expiresAt?: string;
}

/**
 * What a step does to a resource. `retain`: the resource left the program (or the stack is destroyed) and its
 * state says `retainOnDelete`, so it is dropped from the stack's state and kept in the cloud — Pulumi's delete
 * step without the provider's delete. Both engines report it so (the pulumi engine from the step's old state),
 * and count it among the deletes of the summary as Pulumi does.
 */
export type ResourceOperation =
  'create' | 'update' | 'delete' | 'replace' | 'same' | 'read' | 'refresh' | 'retain';

/**
 * - `pending`: planned, not started (a preview's steps; the local engine's queue, so a status view can list
 *   what is to come — a resource blocked by a failed dependency stays pending).
 * - `in_progress` → `succeeded` | `failed`: the step ran. `same` steps report only `succeeded`.
 */
export type ResourceState = 'pending' | 'in_progress' | 'succeeded' | 'failed';

export interface ResourceEvent {
  /** 1, 2, 3, … within one engine call: with the operation's id and attempt, a key for idempotent writes. */
  sequence: number;
  /** ISO-8601. */
  time: string;
  urn: string;
  type: string;
  name: string;
  parentUrn?: string;
  operation: ResourceOperation;
  state: ResourceState;
  /** Why the step failed (state `failed`). */
  error?: string;
}

export interface ChangeSummary {
  created: number;
  updated: number;
  replaced: number;
  deleted: number;
  same: number;
}

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  parentUrn?: string;
  operation: ResourceOperation;
  /** Top-level input properties that differ from the stack's state (updates and replaces). */
  diffs?: string[];
}

interface ResultBase {
  engine: StackEngineKind;
  /** True when nothing real was created: the local engine. Shown as such in every view. */
  simulated: boolean;
  summary: ChangeSummary;
  durationMs: number;
}

export interface PreviewResult extends ResultBase {
  /** The steps an `up` would take now, in the order it would start them (deletes last). */
  plan: PlannedResource[];
}

export interface StackRunResult extends ResultBase {
  /** The stack's outputs after the run (empty after `destroy`); secrets stay `SecretValue`s. */
  outputs: StackOutputs;
  /** What the engine repaired before running, when `previousRunInterrupted` was set. */
  recovery?: RecoveryReport;
}

export interface RecoveryReport {
  /** A lock the interrupted run left was removed. */
  clearedLock: boolean;
  /** Operations the interrupted run left pending, removed from the state (`urn` and what was happening). */
  clearedPendingOperations: { urn: string; operation: string }[];
  /**
   * Resources that may exist in the cloud without being in the state (creates that were interrupted):
   * after a real run someone must check them (import or delete); after a simulated run nothing exists.
   */
  possibleOrphans: string[];
}

export function emptySummary(): ChangeSummary {
  return { created: 0, updated: 0, replaced: 0, deleted: 0, same: 0 };
}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Stack names reach file names and CLI arguments: refuse anything else before it gets there. */
export function assertValidStackName(stackName: string): void {
  if (!STACK_NAME.test(stackName)) {
    throw new ProvisioningError(
      ProvisioningErrorCode.INVALID_REQUEST,
      `Invalid stack name ${JSON.stringify(stackName)}: use 1-100 letters, digits, '.', '_' or '-'`,
    );
  }
}

/** Credentials must belong to the cloud the spec deploys to. */
export function assertCredentialsMatch(request: StackRequest): void {
  const { credentials, input } = request;
  if (credentials && credentials.cloud !== input.spec.cloud) {
    throw new ProvisioningError(
      ProvisioningErrorCode.INVALID_REQUEST,
      `Credentials are for ${credentials.cloud} but the deployment is on ${input.spec.cloud}`,
    );
  }
}

/** The resource name is the URN's last `::` segment. */
export function nameFromUrn(urn: string): string {
  const index = urn.lastIndexOf('::');
  return index >= 0 ? urn.slice(index + 2) : urn;
}

/** Hands events to the caller's callback with a running sequence number; a throwing callback is ignored. */
export class ResourceEventSequencer {
  private sequence = 0;

  constructor(
    private readonly onEvent: (event: ResourceEvent) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  emit(event: Omit<ResourceEvent, 'sequence' | 'time'> & { time?: string }): ResourceEvent {
    this.sequence += 1;
    const full: ResourceEvent = {
      ...event,
      sequence: this.sequence,
      time: event.time ?? this.now().toISOString(),
    };
    try {
      this.onEvent(full);
    } catch {
      // The caller's persistence problem must not break a run half-way (see StackEngine).
    }
    return full;
  }

  get count(): number {
    return this.sequence;
  }
}
