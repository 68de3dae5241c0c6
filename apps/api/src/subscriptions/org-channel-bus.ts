import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '@streamplane/config';
import type { Metrics } from '@streamplane/observability';
import Redis from 'ioredis';
import { EventStream } from './event-stream';

/** Events buffered for one subscriber that is not reading; beyond this it is ended (it re-reads on reconnect). */
const SUBSCRIBER_BUFFER = 1_000;

/** What every live event carries: the organization whose channel it belongs on. */
export interface OrgEvent {
  orgId: string;
}

/** A message off a channel, parsed: the event, or why it is not one. */
export type ParsedOrgEvent<E> = { ok: true; event: E } | { ok: false; problem: string };

export interface OrgChannelBusOptions<E> {
  /** For messages, e.g. "deployment". */
  kind: string;
  /** The Redis channel of an organization's events of this kind. */
  channelOf(orgId: string): string;
  parse(message: string): ParsedOrgEvent<E>;
}

type Listener<E> = (event: E) => void;

/**
 * Fans organizations' live-event channels out to this replica's GraphQL subscriptions (deployments' and
 * pipelines' buses are this with their own channel and parser).
 *
 * One Redis connection per bus and api process, in subscriber mode, SUBSCRIBEd to exactly the channels of the
 * organizations that have a subscriber here: the first subscriber of an organization subscribes its channel,
 * the last one to leave unsubscribes it. Every replica does the same, so an event published once reaches
 * the subscribers of every replica. Messages are validated; a malformed one, or one naming another
 * organization than its channel's, is counted, logged and dropped.
 *
 * Why not Mercurius' emitter with mqemitter-redis: its wire format is its own msgpack envelope, so the
 * publishers (provisioner, ingest) would have to publish through mqemitter too instead of the plain JSON of
 * the event contracts, and it PSUBSCRIBEs patterns. A Map of listeners over one ioredis subscriber is smaller
 * and keeps the contract a plain `PUBLISH channel json`.
 */
export abstract class OrgChannelBus<E extends OrgEvent> implements OnModuleDestroy {
  private readonly logger: Logger;
  private subscriber?: Redis;
  /** Listeners by organization id; an organization is in the map exactly while its channel is subscribed. */
  private readonly listeners = new Map<string, Set<Listener<E>>>();
  /** The SUBSCRIBE of an organization's channel, so that later listeners wait for the same one. */
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private readonly orgOfChannel = new Map<string, string>();
  private closed = false;

  protected constructor(
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly options: OrgChannelBusOptions<E>,
  ) {
    this.logger = new Logger(new.target.name);
  }

  /**
   * A stream of `orgId`'s events that pass `accept`, open once the channel is subscribed (events published
   * after this resolves are delivered, in publication order). Ending the stream (`return()`) leaves.
   */
  async stream(
    orgId: string,
    accept: (event: E) => boolean,
    onEnd: () => void = () => undefined,
  ): Promise<EventStream<E>> {
    if (this.closed) throw new Error(`The ${this.options.kind} event bus is shut down`);
    const stream: EventStream<E> = new EventStream<E>(SUBSCRIBER_BUFFER, {
      onOverflow: () => {
        this.metrics.liveEventsDropped.inc({ reason: 'slow_subscriber' });
        this.logger.warn({ orgId }, 'A subscriber fell too far behind; ending its subscription');
      },
      onEnd: () => {
        this.leave(orgId, listener);
        onEnd();
      },
    });
    const listener: Listener<E> = (event) => {
      if (accept(event)) stream.push(event);
    };
    try {
      await this.join(orgId, listener);
    } catch (error) {
      this.leave(orgId, listener); // the stream was never handed out: no onEnd
      throw error;
    }
    return stream;
  }

  /** Organizations whose channel this replica is subscribed to (for tests and diagnostics). */
  get organizations(): string[] {
    return [...this.listeners.keys()];
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private async join(orgId: string, listener: Listener<E>): Promise<void> {
    let listeners = this.listeners.get(orgId);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(orgId, listeners);
      const channel = this.options.channelOf(orgId);
      this.orgOfChannel.set(channel, orgId);
      // Commands on one connection run in order, so a SUBSCRIBE issued after an UNSUBSCRIBE of the same
      // channel (the last subscriber left, a new one came) leaves it subscribed.
      const subscribing = this.connection().subscribe(channel);
      this.subscribed.set(orgId, subscribing);
      subscribing.catch((error: unknown) => {
        this.logger.error(
          { err: error, orgId },
          `Could not subscribe to the ${this.options.kind} events channel`,
        );
      });
    }
    listeners.add(listener);
    await this.subscribed.get(orgId);
  }

  private leave(orgId: string, listener: Listener<E>): void {
    const listeners = this.listeners.get(orgId);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.listeners.delete(orgId);
    this.subscribed.delete(orgId);
    const channel = this.options.channelOf(orgId);
    this.orgOfChannel.delete(channel);
    this.subscriber?.unsubscribe(channel).catch((error: unknown) => {
      if (!this.closed) {
        this.logger.warn(
          { err: error, orgId },
          `Could not unsubscribe from the ${this.options.kind} events channel`,
        );
      }
    });
  }

  private connection(): Redis {
    if (!this.subscriber) {
      // No keyPrefix: it does not apply to channels; channelOf() prefixes them. ioredis re-subscribes
      // after a reconnect; events published meanwhile are lost, which the contracts allow.
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
    if (!orgId || !listeners) return; // the last subscriber left while the message was in flight
    const parsed = this.options.parse(message);
    if (!parsed.ok) {
      this.metrics.liveEventsDropped.inc({ reason: 'malformed' });
      this.logger.warn(
        { channel, problem: parsed.problem, message: message.slice(0, 500) },
        `Dropped a malformed ${this.options.kind} event`,
      );
      return;
    }
    if (parsed.event.orgId !== orgId) {
      // A publisher bug; never let it carry one organization's event to another's subscribers.
      this.metrics.liveEventsDropped.inc({ reason: 'wrong_channel' });
      this.logger.error(
        { channel, eventOrgId: parsed.event.orgId },
        `Dropped a ${this.options.kind} event published on another organization's channel`,
      );
      return;
    }
    for (const listener of listeners) listener(parsed.event);
  }
}
