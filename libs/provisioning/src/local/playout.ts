import type { FailedResource } from '../provisioning.errors';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import type { ChangeSummary, ResourceEventSequencer, ResourceOperation } from '../stack-engine';
import { emptySummary } from '../stack-engine';
import type { PlanStep } from './plan';

/**
 * Plays a plan out as a real engine would: a step starts once its parent and dependencies succeeded, up to
 * `parallelism` at a time, each taking its latency; deletes of removed resources (phase 1) start after
 * everything else.
 *
 * Failure semantics (Pulumi's): a failed step stops its dependants. Without `continueOnError` no new step
 * starts after a failure and the steps already running finish; with it, every step that does not depend on
 * a failed one still runs. Cancellation interrupts running steps at once (a simulated step has nothing to
 * wait for), reports them failed with "cancelled", and starts nothing more.
 */
export interface PlayoutHooks {
  /** Before the step's work starts (the engine records a pending operation). */
  started(step: PlanStep): Promise<void>;
  /** The step's work finished; the engine applies it to the state. */
  succeeded(step: PlanStep): Promise<void>;
  /** The step failed or was cancelled; the engine drops its pending operation. */
  abandoned(step: PlanStep): Promise<void>;
  /** A `same` step: nothing changes in the cloud, but the state takes the resource's new options. */
  unchanged?(step: PlanStep): void;
}

export interface PlayoutOptions {
  steps: PlanStep[];
  events: ResourceEventSequencer;
  hooks: PlayoutHooks;
  parallelism: number;
  latencyMs(step: PlanStep): number;
  /** The injected failure for the step about to finish (`index`: 1-based count of steps run), if any. */
  failureFor(step: PlanStep, index: number): { message: string; transient: boolean } | undefined;
  continueOnError: boolean;
  signal?: AbortSignal;
}

export interface PlayoutOutcome {
  summary: ChangeSummary;
  failed: (FailedResource & { transient: boolean })[];
  cancelled: boolean;
  /** Steps that never started (blocked by a failure, or left when the run stopped). */
  notStarted: PlanStep[];
}

export async function playOut(options: PlayoutOptions): Promise<PlayoutOutcome> {
  const { steps, events, hooks, signal } = options;
  const inPlan = new Set(steps.map((step) => step.urn));
  const done = new Set<string>();
  const blocked = new Set<string>();
  const queue = [...steps];
  const inFlight = new Set<Promise<void>>();
  const summary = emptySummary();
  const failed: PlayoutOutcome['failed'] = [];
  let executed = 0;
  let stopping = false;
  let fatal: unknown;
  let cancelled = false;
  let phaseZeroLeft = steps.filter((step) => step.phase === 0).length;

  for (const step of steps) {
    if (step.operation !== 'same')
      events.emit({ ...eventIdentity(step), operation: step.operation, state: 'pending' });
  }

  const execute = async (step: PlanStep): Promise<void> => {
    try {
      if (step.operation === 'same') {
        hooks.unchanged?.(step);
        done.add(step.urn);
        summary.same += 1;
        events.emit({ ...eventIdentity(step), operation: 'same', state: 'succeeded' });
        return;
      }
      executed += 1;
      const index = executed;
      events.emit({ ...eventIdentity(step), operation: step.operation, state: 'in_progress' });
      await hooks.started(step);
      const interrupted = !(await sleep(step.custom ? options.latencyMs(step) : 0, signal));
      if (interrupted) {
        cancelled = true;
        events.emit({
          ...eventIdentity(step),
          operation: step.operation,
          state: 'failed',
          error: 'Cancelled before it finished',
        });
        await hooks.abandoned(step);
        return;
      }
      const failure = options.failureFor(step, index);
      if (failure) {
        // Decided before anything awaits, so no step can start in between.
        blocked.add(step.urn);
        if (!options.continueOnError) stopping = true;
        failed.push({
          urn: step.urn,
          type: step.type,
          name: step.name,
          message: failure.message,
          transient: failure.transient,
        });
        events.emit({
          ...eventIdentity(step),
          operation: step.operation,
          state: 'failed',
          error: failure.message,
        });
        await hooks.abandoned(step);
        return;
      }
      await hooks.succeeded(step);
      done.add(step.urn);
      countOperation(summary, step.operation);
      events.emit({ ...eventIdentity(step), operation: step.operation, state: 'succeeded' });
    } catch (error) {
      // The state could not be written: nothing after this step can be trusted.
      fatal ??= error;
      stopping = true;
    } finally {
      if (step.phase === 0) phaseZeroLeft -= 1;
    }
  };

  for (;;) {
    if (signal?.aborted) {
      stopping = true;
      cancelled = true;
    }
    if (!stopping) {
      for (let i = 0; i < queue.length && inFlight.size < options.parallelism;) {
        const step = queue[i];
        if (step.waitFor.some((urn) => blocked.has(urn))) {
          blocked.add(step.urn); // a dependant of a failure never starts
          queue.splice(i, 1);
          if (step.phase === 0) phaseZeroLeft -= 1;
          continue;
        }
        const phaseOpen = step.phase === 0 || (phaseZeroLeft === 0 && failed.length === 0);
        if (phaseOpen && step.waitFor.every((urn) => done.has(urn) || !inPlan.has(urn))) {
          queue.splice(i, 1);
          const running: Promise<void> = execute(step).finally(() => inFlight.delete(running));
          inFlight.add(running);
          continue;
        }
        i += 1;
      }
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }

  if (fatal !== undefined)
    throw fatal instanceof Error ? fatal : new Error('The stack state could not be written');
  if (!stopping && failed.length === 0 && queue.length > 0) {
    // Cannot happen for a plan from plan.ts (it refuses cycles); a guard against reporting success anyway.
    throw new ProvisioningError(
      ProvisioningErrorCode.PROGRAM_ERROR,
      `${queue.length} step(s) could never start: ${queue
        .slice(0, 3)
        .map((step) => step.urn)
        .join(', ')}`,
    );
  }
  const notStarted = steps.filter((step) => !done.has(step.urn) && !failed.some((f) => f.urn === step.urn));
  return { summary, failed, cancelled: cancelled && notStarted.length > 0, notStarted };
}

function eventIdentity(step: PlanStep) {
  return {
    urn: step.urn,
    type: step.type,
    name: step.name,
    ...(step.parentUrn ? { parentUrn: step.parentUrn } : {}),
  };
}

/** Adds one step's operation to a summary (reads and refreshes count as unchanged, as Pulumi's do). */
export function countOperation(summary: ChangeSummary, operation: ResourceOperation): void {
  switch (operation) {
    case 'create':
      summary.created += 1;
      break;
    case 'update':
      summary.updated += 1;
      break;
    case 'replace':
      summary.replaced += 1;
      break;
    case 'delete':
    case 'retain': // Pulumi's summary counts a retained resource's delete step among the deletes
      summary.deleted += 1;
      break;
    case 'same':
    case 'read':
    case 'refresh':
      summary.same += 1;
      break;
  }
}

/** Resolves true after `ms`, or false at once when the signal fires. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
