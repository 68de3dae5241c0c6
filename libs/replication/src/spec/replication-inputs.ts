import { z } from 'zod';
import { PatternList } from './replication-patterns';

export const REPLICATION_MODES = ['ONE_WAY', 'TWO_WAY'] as const;
export const TOPIC_NAMINGS = ['PREFIXED', 'IDENTITY'] as const;

export const CreateReplicationLinkInput = z.strictObject({
  sourceDeploymentId: z.uuid(),
  targetDeploymentId: z.uuid(),
  mode: z.enum(REPLICATION_MODES),
  topics: PatternList,
  consumerGroups: PatternList,
  topicNaming: z.enum(TOPIC_NAMINGS).default('PREFIXED'),
});
export type CreateReplicationLinkRequest = z.input<typeof CreateReplicationLinkInput>;

export const UpdateReplicationLinkInput = z
  .strictObject({ topics: PatternList.optional(), consumerGroups: PatternList.optional() })
  .refine((value) => value.topics !== undefined || value.consumerGroups !== undefined, {
    message: 'must change topics or consumerGroups',
  });
export type UpdateReplicationLinkRequest = z.input<typeof UpdateReplicationLinkInput>;

export const FailoverInput = z.strictObject({
  /** Skip the lag and freshness pre-checks (the primary is gone and cannot be measured); recorded as such. */
  force: z.boolean().default(false),
  /** Two-way links: the failed region cannot be reached, so the direction from it is paused. */
  sourceUnreachable: z.boolean().default(false),
});
export type FailoverRequest = z.input<typeof FailoverInput>;

export const FailbackInput = z.strictObject({ force: z.boolean().default(false) });
export type FailbackRequest = z.input<typeof FailbackInput>;
