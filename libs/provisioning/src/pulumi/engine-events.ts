import type { EngineEvent, OpMap, OpType, StepEventMetadata } from '@pulumi/pulumi/automation';
import type { FailedResource } from '../provisioning.errors';
import type { ChangeSummary, PlannedResource, ResourceEvent, ResourceOperation } from '../stack-engine';
import { emptySummary, nameFromUrn } from '../stack-engine';

type OutEvent = Omit<ResourceEvent, 'sequence'>;

/**
 * Pulumi's step operations → ours. `replace` is a logical marker step (no work) and is skipped; the real
 * work of a replacement is `create-replacement` then `delete-replaced`, both reported as `replace`.
 * `discard*` forget resources that were only read, and `remove-pending-replace` is bookkeeping: skipped.
 */
export function operationOf(op: OpType): ResourceOperation | undefined {
  switch (op) {
    case 'same':
      return 'same';
    case 'create':
    case 'import':
      return 'create';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'create-replacement':
    case 'delete-replaced':
    case 'import-replacement':
      return 'replace';
    case 'read':
    case 'read-replacement':
      return 'read';
    case 'refresh':
      return 'refresh';
    case 'replace':
    case 'discard':
    case 'discard-replaced':
    case 'remove-pending-replace':
      return undefined;
  }
}

/**
 * The step's operation as we report it: a delete of a resource whose old state says `retainOnDelete` deletes
 * nothing in the cloud (Pulumi only drops it from the state), so it is reported as `retain`.
 */
export function stepOperationOf(
  metadata: Pick<StepEventMetadata, 'op' | 'old'>,
): ResourceOperation | undefined {
  const operation = operationOf(metadata.op);
  return operation === 'delete' && metadata.old?.retainOnDelete === true ? 'retain' : operation;
}

export function summaryOf(changes: OpMap | undefined): ChangeSummary {
  const summary = emptySummary();
  if (!changes) return summary;
  summary.created = (changes.create ?? 0) + (changes.import ?? 0);
  summary.updated = changes.update ?? 0;
  summary.replaced = changes.replace ?? 0;
  summary.deleted = changes.delete ?? 0;
  summary.same = (changes.same ?? 0) + (changes.read ?? 0) + (changes.refresh ?? 0);
  return summary;
}

/**
 * Turns the Automation API's engine events (`onEvent`) into resource events:
 * - `resourcePreEvent`: a step starts → `in_progress` (in a preview: the step is planned → `pending`);
 * - `resOutputsEvent`: it finished → `succeeded` (`same` steps report only this);
 * - `resOpFailedEvent`: it failed → `failed`, with the error diagnostics Pulumi reports for that URN. The
 *   diagnostic may come before or after the failure event; a failure waits for its diagnostic until the next
 *   step event (or the end of the run) and then goes out with whatever message is known.
 * - error `diagnosticEvent`s without a URN are the program's own errors; `summaryEvent` gives the counts.
 */
export class EngineEventTranslator {
  readonly failures: FailedResource[] = [];
  readonly programErrors: string[] = [];
  readonly plan: PlannedResource[] = [];
  summary: ChangeSummary | undefined;
  cancelled = false;

  private readonly errorsByUrn = new Map<string, string[]>();
  private readonly awaitingMessage = new Map<string, { event: OutEvent; failure: FailedResource }>();
  private readonly planned = new Set<string>();

  constructor(
    private readonly mode: 'preview' | 'run',
    private readonly emit: (event: OutEvent) => void,
    private readonly redact: (text: string) => string = (text) => text,
  ) {}

  handle(event: EngineEvent): void {
    const time = new Date((event.timestamp || Date.now() / 1000) * 1000).toISOString();
    if (event.diagnosticEvent) {
      this.diagnostic(
        event.diagnosticEvent.urn,
        event.diagnosticEvent.severity,
        event.diagnosticEvent.message,
      );
      return;
    }
    this.flushFailures();
    if (event.resourcePreEvent) {
      this.step(event.resourcePreEvent.metadata, time, this.mode === 'preview' ? 'pending' : 'in_progress');
    } else if (event.resOutputsEvent && this.mode === 'run') {
      this.step(event.resOutputsEvent.metadata, time, 'succeeded');
    } else if (event.resOpFailedEvent) {
      this.failed(event.resOpFailedEvent.metadata, time);
    } else if (event.summaryEvent) {
      this.summary = summaryOf(event.summaryEvent.resourceChanges);
    } else if (event.cancelEvent) {
      this.cancelled = true;
    }
  }

  /** Sends failures still waiting for a message (call once the run is over). */
  finish(): void {
    this.flushFailures();
  }

  private step(
    metadata: StepEventMetadata,
    time: string,
    state: 'pending' | 'in_progress' | 'succeeded',
  ): void {
    const operation = stepOperationOf(metadata);
    if (!operation) return;
    if (state === 'in_progress' && operation === 'same') return; // a same step reports only its success
    const event = { ...this.identity(metadata), operation, state, time };
    if (state === 'pending') {
      const key = `${metadata.urn}|${operation}`;
      if (this.planned.has(key)) return;
      this.planned.add(key);
      this.plan.push({
        urn: event.urn,
        type: event.type,
        name: event.name,
        ...(event.parentUrn ? { parentUrn: event.parentUrn } : {}),
        operation,
        ...(metadata.diffs && metadata.diffs.length > 0 ? { diffs: [...metadata.diffs].sort() } : {}),
      });
    }
    this.emit(event);
  }

  private failed(metadata: StepEventMetadata, time: string): void {
    const operation = stepOperationOf(metadata) ?? 'update';
    const identity = this.identity(metadata);
    const failure: FailedResource = {
      urn: identity.urn,
      type: identity.type,
      name: identity.name,
      message: '',
    };
    this.failures.push(failure);
    const event: OutEvent = { ...identity, operation, state: 'failed', time };
    const known = this.errorsByUrn.get(metadata.urn);
    if (known && known.length > 0) {
      failure.message = known.join('\n');
      this.emit({ ...event, error: failure.message });
    } else {
      this.awaitingMessage.set(metadata.urn, { event, failure });
    }
  }

  private diagnostic(urn: string | undefined, severity: string, message: string): void {
    if (severity !== 'error') return;
    const text = this.redact(cleanMessage(message));
    if (!text) return;
    if (!urn || urn.endsWith('pulumi:pulumi:Stack::' + nameFromUrn(urn))) {
      this.programErrors.push(text);
      if (!urn) return;
    }
    const list = this.errorsByUrn.get(urn) ?? [];
    list.push(text);
    this.errorsByUrn.set(urn, list);
    const waiting = this.awaitingMessage.get(urn);
    if (waiting) {
      this.awaitingMessage.delete(urn);
      waiting.failure.message = text;
      this.emit({ ...waiting.event, error: text });
    }
  }

  private flushFailures(): void {
    for (const [urn, { event, failure }] of this.awaitingMessage) {
      failure.message = `${event.operation} of ${event.type} '${event.name}' failed`;
      this.emit({ ...event, error: failure.message });
      this.awaitingMessage.delete(urn);
    }
  }

  private identity(metadata: StepEventMetadata) {
    const parentUrn = metadata.new?.parent || metadata.old?.parent || undefined;
    return {
      urn: metadata.urn,
      type: metadata.type,
      name: nameFromUrn(metadata.urn),
      ...(parentUrn ? { parentUrn } : {}),
    };
  }
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Diagnostics carry ANSI colours or Pulumi's colour markup (`<{%fg 1%}>`) and trailing newlines. */
export function cleanMessage(message: string): string {
  return message
    .replace(ANSI_COLOUR, '')
    .replace(/<\{%[^%]*%\}>/g, '')
    .trim();
}
