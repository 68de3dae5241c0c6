import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, so tests can build apps side by side without clashing names. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'streamplane_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'streamplane_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'streamplane_graphql_operations_total',
    help: 'GraphQL operations by type, name and outcome',
    labelNames: ['type', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'streamplane_graphql_operation_duration_seconds',
    help: 'GraphQL operation execution time by type and name',
    labelNames: ['type', 'operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlActiveSubscriptions = new Gauge({
    name: 'streamplane_graphql_subscriptions_active',
    help: 'GraphQL subscriptions currently open on this process, by subscription field',
    labelNames: ['subscription'] as const,
    registers: [this.registry],
  });

  readonly liveEventsDropped = new Counter({
    name: 'streamplane_live_events_dropped_total',
    help: 'Live-status messages read off Redis and not delivered, by reason (malformed, slow subscriber)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'streamplane_' });
  }
}
