import type { AppConfig } from '@streamplane/config';
import { z } from 'zod';
import { deploymentEventsChannel, type DeploymentEvent } from './deployment-events';

/**
 * The Redis channel an organization's live-status events travel on, for publishers and subscribers alike.
 *
 * ioredis' `keyPrefix` applies to keys, not to pub/sub channels, so the prefix is added here explicitly:
 * two deployments of Streamplane (or two jest workers) sharing one Redis never hear each other's events.
 * Publishers: `redis.publish(channelFor(config, event.orgId), JSON.stringify(event))`, after the commit.
 */
export function channelFor(config: Pick<AppConfig, 'redis'>, orgId: string): string {
  return `${config.redis.keyPrefix}${deploymentEventsChannel(orgId)}`;
}

const id = z.string().min(1).max(100);
const base = {
  orgId: id,
  deploymentId: id,
  at: z.iso.datetime({ offset: true }),
};

const DeploymentEventSchema = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('DEPLOYMENT_STATUS'),
    status: z.enum(['PENDING', 'PROVISIONING', 'RUNNING', 'UPDATING', 'FAILED', 'DESTROYING', 'DESTROYED']),
    generation: z.number().int().min(0),
    observedGeneration: z.number().int().min(0),
    message: z.string().nullable(),
  }),
  z.object({
    ...base,
    kind: z.literal('OPERATION'),
    operationId: id,
    type: z.enum(['CREATE', 'UPDATE', 'UPGRADE', 'SCALE', 'DESTROY', 'PREVIEW', 'PIPELINE', 'REPLICATION']),
    status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']),
    attempt: z.number().int().min(0),
    error: z.string().nullable(),
  }),
  z.object({
    ...base,
    kind: z.literal('RESOURCE'),
    operationId: id,
    sequence: z.number().int().min(0),
    urn: z.string(),
    type: z.string(),
    name: z.string(),
    operation: z.string(),
    state: z.enum(['pending', 'in_progress', 'succeeded', 'failed']),
    message: z.string().nullable(),
  }),
]);

export type ParsedDeploymentEvent = { ok: true; event: DeploymentEvent } | { ok: false; problem: string };

/** A message read off a channel: the event, or why it is not one (the subscriber logs and drops it). */
export function parseDeploymentEvent(message: string): ParsedDeploymentEvent {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = DeploymentEventSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    };
  }
  // Unknown fields are stripped, so nothing a publisher adds by mistake reaches a subscriber unchecked.
  return { ok: true, event: parsed.data satisfies DeploymentEvent };
}
