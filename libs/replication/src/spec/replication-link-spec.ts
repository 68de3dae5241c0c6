import { z } from 'zod';

/**
 * What a link change asks for, in the order it was asked. Each is one set of REPLICATION operations (one per
 * deployment it touches); the link's status while they run, and after, follows from it.
 */
export const REPLICATION_ACTIONS = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'FAILOVER',
  /** Failback, first half: mirroring reversed (new active → old primary) until the old primary caught up. */
  'FAILBACK_REVERSE',
  /** Failback, second half: clients back on the old primary, the original direction restored. */
  'FAILBACK_RESTORE',
  /** Two-way failback: the direction a failover paused runs again. */
  'RESUME',
] as const;
export type ReplicationAction = (typeof REPLICATION_ACTIONS)[number];

/** Mirroring from one deployment into the other (MirrorMaker 2 runs on `to`); paused keeps it configured. */
export const ReplicationFlow = z.strictObject({ from: z.uuid(), to: z.uuid(), paused: z.boolean() });
export type ReplicationFlow = z.infer<typeof ReplicationFlow>;

/**
 * The desired state of a link (`replication_links.spec`): the selections as the customer wrote them, the
 * flows, and the last action with the deployments its operations run on.
 */
export const ReplicationLinkSpec = z.strictObject({
  topics: z.array(z.string()).min(1),
  consumerGroups: z.array(z.string()).min(1),
  flows: z.array(ReplicationFlow).max(2),
  action: z.enum(REPLICATION_ACTIONS),
  /** The deployments the action's operations run on, in the order they were queued. */
  operationDeployments: z.array(z.uuid()).max(2),
});
export type ReplicationLinkSpec = z.infer<typeof ReplicationLinkSpec>;

export function parseLinkSpec(value: unknown): ReplicationLinkSpec {
  return ReplicationLinkSpec.parse(value);
}

/** What the last successful REPLICATION operation on each deployment applied (`replication_links.applied`). */
export const AppliedBySide = z.record(
  z.uuid(),
  z.strictObject({ generation: z.number().int(), spec: ReplicationLinkSpec }),
);
export type AppliedBySide = z.infer<typeof AppliedBySide>;

export function parseApplied(value: unknown): AppliedBySide {
  const parsed = AppliedBySide.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

/** What a REPLICATION operation's `input` holds: the link's generation and spec it applies on its deployment. */
export const ReplicationOperationInput = z.strictObject({
  replication: z.strictObject({ linkId: z.uuid(), generation: z.number().int(), spec: ReplicationLinkSpec }),
});
export type ReplicationOperationInput = z.infer<typeof ReplicationOperationInput>;

export function replicationInputOf(input: unknown): ReplicationOperationInput['replication'] | undefined {
  const parsed = ReplicationOperationInput.safeParse(input);
  return parsed.success ? parsed.data.replication : undefined;
}

/** One failover/failback (or other) step, kept on the link (`steps`) beside its audit entry. */
export interface ReplicationStep {
  at: string;
  action: ReplicationAction | 'SWITCH_CLIENTS' | 'PRECHECKS' | 'OPERATIONS_SUCCEEDED' | 'OPERATIONS_FAILED';
  detail: string;
  operationIds?: string[];
  actor?: string;
}
