import { createServer, type Server } from 'node:http';
import type { AgentStatus } from './data-plane-agent';

export interface HealthVerdict {
  live: boolean;
  ready: boolean;
}

/**
 * The probes Kubernetes runs against the agent (infra/platform/agent.ts): live while its loop keeps
 * starting rounds — a round may take a while when it drains a long spool, so the window is generous, and a
 * restart loses nothing (the spool is on disk) — and ready once it has read the Kafka cluster.
 */
export function healthOf(status: AgentStatus, nowMs: number, intervalSeconds: number): HealthVerdict {
  const windowMs = Math.max(5 * intervalSeconds * 1000, 300_000);
  const lastSignOfLife = status.lastRoundStartedAtMs ?? status.startedAtMs;
  return { live: nowMs - lastSignOfLife <= windowMs, ready: status.kafkaReachable };
}

/** GET /healthz (liveness, startup) and /readyz (readiness) on `port`; nothing else. */
export async function startHealthServer(port: number, verdict: () => HealthVerdict): Promise<Server> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?', 1)[0];
    const { live, ready } = verdict();
    const ok = path === '/healthz' ? live : path === '/readyz' ? ready : undefined;
    if (ok === undefined) {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: ok ? 'ok' : path === '/healthz' ? 'stuck' : 'kafka unreachable' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return server;
}
