import type { ResourceEvent } from '@streamplane/provisioning';
import type { ResourceProgress } from '../events/deployment-events';

/** A resource event as stored: the engine's event with the operation's running sequence number. */
export interface StoredResourceEvent {
  operationId: string;
  deploymentId: string;
  orgId: string;
  sequence: number;
  urn: string;
  type: string;
  name: string;
  operation: string;
  state: ResourceEvent['state'];
  message: string | null;
  time: Date;
}

export interface ResourceEventSink {
  /** Inserts the rows in one statement; rows already stored (same operation and sequence) are skipped. */
  insert(rows: StoredResourceEvent[]): Promise<void>;
  /** Publishes after the insert committed. Must not throw. */
  publish(events: ResourceProgress[]): Promise<void>;
}

export interface ResourceEventWriterOptions {
  operationId: string;
  deploymentId: string;
  orgId: string;
  /** The highest sequence already stored for the operation (an earlier, interrupted run's events). */
  sequenceBase: number;
  /** Rows per INSERT. */
  batchSize?: number;
  /** How long an event may wait for companions before it is written. */
  flushAfterMs?: number;
}

/**
 * Writes an operation's resource events to PostgreSQL in batches, strictly in order, and publishes each
 * batch as ResourceProgress once it is committed. The engine calls `add` synchronously (its callback must
 * not throw); writes happen one batch at a time behind it. Sequences continue from `sequenceBase`, so
 * the events of a resumed run follow those of the run that was interrupted.
 *
 * A failed write is retried with the next batch (the rows stay queued); `flush` rejects if the queue
 * cannot be written, so the operation never commits an outcome whose events are not stored.
 */
export class ResourceEventWriter {
  private readonly queue: StoredResourceEvent[] = [];
  private readonly batchSize: number;
  private readonly flushAfterMs: number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastError: Error | undefined;
  private highest: number;

  constructor(
    private readonly sink: ResourceEventSink,
    private readonly options: ResourceEventWriterOptions,
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.flushAfterMs = options.flushAfterMs ?? 100;
    this.highest = options.sequenceBase;
  }

  /** The highest sequence handed out so far. */
  get lastSequence(): number {
    return this.highest;
  }

  add(event: ResourceEvent): void {
    const sequence = this.options.sequenceBase + event.sequence;
    this.highest = Math.max(this.highest, sequence);
    this.queue.push({
      operationId: this.options.operationId,
      deploymentId: this.options.deploymentId,
      orgId: this.options.orgId,
      sequence,
      urn: event.urn,
      type: event.type,
      name: event.name,
      operation: event.operation,
      state: event.state,
      message: event.error ?? null,
      time: new Date(event.time),
    });
    if (this.queue.length >= this.batchSize) this.schedule(0);
    else this.schedule(this.flushAfterMs);
  }

  /** Writes everything queued so far; rejects with the last write error when rows remain unwritten. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.drain();
    if (this.queue.length > 0) throw this.lastError ?? new Error('Resource events could not be written');
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, delayMs);
  }

  /** Chains one pass over the queue behind the previous one: batches never overlap or reorder. */
  private drain(): Promise<void> {
    this.writing = this.writing.then(() => this.writeQueued());
    return this.writing;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.batchSize);
      try {
        await this.sink.insert(batch);
      } catch (error) {
        this.lastError = error instanceof Error ? error : new Error(String(error));
        return; // kept queued: the next drain or flush tries again
      }
      this.queue.splice(0, batch.length);
      this.lastError = undefined;
      await this.sink.publish(batch.map(toProgress));
    }
  }
}

function toProgress(row: StoredResourceEvent): ResourceProgress {
  return {
    kind: 'RESOURCE',
    orgId: row.orgId,
    deploymentId: row.deploymentId,
    at: row.time.toISOString(),
    operationId: row.operationId,
    sequence: row.sequence,
    urn: row.urn,
    type: row.type,
    name: row.name,
    operation: row.operation,
    state: row.state,
    message: row.message,
  };
}
