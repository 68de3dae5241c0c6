import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { Metrics } from '@streamplane/observability';
import { parsePipelineLiveEvent, pipelineChannelFor, type PipelineLiveEvent } from '@streamplane/pipelines';
import Redis from 'ioredis';
import { EventStream } from '../../subscriptions/event-stream';

type Listener = (event: PipelineLiveEvent) => void;

/** Events buffered for one subscriber that is not reading; beyond this it is ended (it re-reads on reconnect). */
const SUBSCRIBER_BUFFER = 1_000;

/**
 * Fans the organizations' pipeline channels out to this replica's `pipelineStatus` subscriptions, the way
 * DeploymentEventBus does for deployments: one subscriber connection per process, SUBSCRIBEd to exactly
 * the channels of organizations with a subscriber here; messages validated, and dropped when they are
 * malformed or name another organization than their channel's.
 */
@Injectable()
export class PipelineEventBus implements OnModuleDestroy {
  private readonly logger = new Logger(PipelineEventBus.name);
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private readonly orgOfChannel = new Map<string, string>();
  private closed = false;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  async stream(
    orgId: string,
    accept: (event: PipelineLiveEvent) => boolean,
    onEnd: () => void = () => undefined,
  ): Promise<EventStream<PipelineLiveEvent>> {
    if (this.closed) throw new Error('The pipeline event bus is shut down');
    const stream: EventStream<PipelineLiveEvent> = new EventStream<PipelineLiveEvent>(SUBSCRIBER_BUFFER, {
      onOverflow: () => {
        this.metrics.liveEventsDropped.inc({ reason: 'slow_subscriber' });
        this.logger.warn({ orgId }, 'A pipeline subscriber fell too far behind; ending its subscription');
      },
      onEnd: () => {
        this.leave(orgId, listener);
        onEnd();
      },
    });
    const listener: Listener = (event) => {
      if (accept(event)) stream.push(event);
    };
    try {
      await this.join(orgId, listener);
    } catch (error) {
      this.leave(orgId, listener);
      throw error;
    }
    return stream;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private async join(orgId: string, listener: Listener): Promise<void> {
    let listeners = this.listeners.get(orgId);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(orgId, listeners);
      const channel = pipelineChannelFor(this.config, orgId);
      this.orgOfChannel.set(channel, orgId);
      const subscribing = this.connection().subscribe(channel);
      this.subscribed.set(orgId, subscribing);
      subscribing.catch((error: unknown) => {
        this.logger.error({ err: error, orgId }, 'Could not subscribe to the pipeline events channel');
      });
    }
    listeners.add(listener);
    await this.subscribed.get(orgId);
  }

  private leave(orgId: string, listener: Listener): void {
    const listeners = this.listeners.get(orgId);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.listeners.delete(orgId);
    this.subscribed.delete(orgId);
    const channel = pipelineChannelFor(this.config, orgId);
    this.orgOfChannel.delete(channel);
    this.subscriber?.unsubscribe(channel).catch((error: unknown) => {
      if (!this.closed) this.logger.warn({ err: error, orgId }, 'Could not unsubscribe a pipeline channel');
    });
  }

  private connection(): Redis {
    if (!this.subscriber) {
      const subscriber = new Redis(this.config.redis.url, { maxRetriesPerRequest: null });
      subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
      subscriber.on('error', (error: unknown) => {
        this.logger.warn({ err: error }, 'Redis subscriber connection error (ioredis reconnects)');
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  private deliver(channel: string, message: string): void {
    const orgId = this.orgOfChannel.get(channel);
    const listeners = orgId ? this.listeners.get(orgId) : undefined;
    if (!orgId || !listeners) return;
    const event = parsePipelineLiveEvent(message);
    if (!event || event.orgId !== orgId) {
      this.metrics.liveEventsDropped.inc({ reason: event ? 'wrong_channel' : 'malformed' });
      this.logger.warn({ channel, message: message.slice(0, 300) }, 'Dropped a pipeline event');
      return;
    }
    for (const listener of listeners) listener(event);
  }
}
