import type { ReplicationHealth } from '@streamplane/agent-protocol';
import { createHash } from 'node:crypto';
import { parseLinkSpec } from '../spec/replication-link-spec';

/** What the simulator needs of a link (a `replication_links` row). */
export interface SimulatedLink {
  id: string;
  spec: unknown;
  status: string;
}

/**
 * The health reports a simulated agent (`apps/agent --simulate`, local engine) sends for a link: one per
 * running direction, from the receiving deployment, with small deterministic lags that change every minute
 * and fresh checkpoints, so the dashboard and the failover pre-checks behave as with a healthy real link.
 * Nothing here was measured; the agent marks the deployment simulated in its heartbeat.
 */
export function simulatedReplicationHealth(
  link: SimulatedLink,
  now: Date,
): { reportingDeploymentId: string; report: ReplicationHealth }[] {
  if (link.status === 'DELETED' || link.status === 'DELETING') return [];
  const spec = parseLinkSpec(link.spec);
  const minute = Math.floor(now.getTime() / 60_000);
  return spec.flows
    .filter((flow) => !flow.paused)
    .map((flow) => ({
      reportingDeploymentId: flow.to,
      report: {
        linkId: link.id,
        observedAt: now.toISOString(),
        sourceDeploymentId: flow.from,
        topics: spec.topics.map((topic) => ({
          topic: exampleTopicOf(topic),
          lag: smallNumber(`${link.id}|${flow.from}|${topic}|${minute}`, 50),
        })),
        lastCheckpointAgeSeconds: 5 + smallNumber(`${link.id}|${flow.from}|cp|${minute}`, 25),
        lastHeartbeatAgeSeconds: null,
      },
    }));
}

/** A topic a selection mirrors: the name itself, or one topic a prefix (`payments.*`) or `*` selects. */
function exampleTopicOf(selection: string): string {
  if (!selection.endsWith('*')) return selection;
  return `${selection.slice(0, -1)}events`;
}

function smallNumber(seed: string, max: number): number {
  return parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 8), 16) % max;
}
