import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '@streamplane/observability';

/** One readiness check: resolves when fine, throws (or rejects) with the reason otherwise. */
export type ReadinessCheck = () => unknown;

/**
 * The checks every worker's /readyz runs: PostgreSQL and Redis answer, and its BullMQ worker is running.
 */
export function storeAndWorkerChecks(stores: {
  postgres: () => Promise<unknown>;
  redis: () => Promise<unknown>;
  /** Which worker, for the reason /readyz gives. */
  worker: string;
  isRunning: () => boolean;
}): Record<string, ReadinessCheck> {
  return {
    postgres: stores.postgres,
    redis: stores.redis,
    worker: () => {
      if (!stores.isRunning()) throw new Error(`the ${stores.worker} worker is not running`);
    },
  };
}

/** What a started worker exposes over HTTP. */
export interface WorkerHealth {
  /** The process' registry, served on /metrics. */
  metrics: Metrics;
  /** By name (`postgres`, `redis`, `worker`): /readyz is 200 only when every one passes. */
  checks: Record<string, ReadinessCheck>;
}

export interface WorkerEndpoints {
  readonly port: number;
  readonly url: string;
  /** From now on /readyz and /metrics answer for this worker (before: 503 "starting"). */
  serve(health: WorkerHealth): void;
  /** A graceful shutdown began: /readyz answers 503 "stopping"; /healthz and /metrics still answer. */
  stopping(): void;
  close(): Promise<void>;
}

/** A check that has not answered by then fails (the kubelet's readiness probe waits 3 s). */
export const READINESS_CHECK_TIMEOUT_MS = 2000;

/**
 * The workers' small HTTP server: GET /healthz (the process is alive and its event loop turns), /readyz
 * (every readiness check passes: PostgreSQL and Redis answer, the BullMQ worker runs; otherwise 503 with
 * the reason as JSON) and /metrics (Prometheus text). It listens before the worker starts, so a port in use
 * stops the process before it takes any job, and the startup probe sees it alive while it connects.
 */
export async function startWorkerEndpoints(options: {
  host: string;
  port: number;
  checkTimeoutMs?: number;
}): Promise<WorkerEndpoints> {
  let health: WorkerHealth | undefined;
  let stopping = false;
  const timeoutMs = options.checkTimeoutMs ?? READINESS_CHECK_TIMEOUT_MS;

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      send(response, request, 500, { status: 'error', reason: (error as Error).message });
    });
  });
  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0];
    if (!['/healthz', '/readyz', '/metrics'].includes(path)) {
      return send(response, request, 404, { status: 'not_found' });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, request, 405, { status: 'method_not_allowed' });
    }
    if (path === '/healthz') return send(response, request, 200, { status: 'ok' });
    if (!health) return send(response, request, 503, { status: 'not_ready', reason: 'starting' });
    if (path === '/metrics') {
      const text = await health.metrics.registry.metrics();
      return send(response, request, 200, text, health.metrics.registry.contentType);
    }
    if (stopping) return send(response, request, 503, { status: 'not_ready', reason: 'stopping' });
    const results = await Promise.all(
      Object.entries(health.checks).map(
        async ([name, check]) => [name, await run(check, timeoutMs)] as const,
      ),
    );
    const failing = results.filter(([, result]) => result !== 'ok');
    const body = {
      status: failing.length === 0 ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results),
      ...(failing.length > 0
        ? { reason: failing.map(([name, result]) => `${name}: ${result}`).join('; ') }
        : {}),
    };
    return send(response, request, failing.length === 0 ? 200 : 503, body);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    url: `http://${host}:${port}`,
    serve: (started) => {
      health = started;
    },
    stopping: () => {
      stopping = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function run(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(check),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

function send(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  body: object | string,
  contentType = 'application/json; charset=utf-8',
): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : payload);
}
