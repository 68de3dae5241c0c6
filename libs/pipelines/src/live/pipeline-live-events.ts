import type { AppConfig } from '@streamplane/config';
import { PipelineCheckpoint } from '@streamplane/agent-protocol';
import { z } from 'zod';

/** What the `pipelineStatus(id)` subscription delivers: a pipeline's status changes and stage checkpoints. */
export type PipelineLiveEvent =
  | {
      kind: 'PIPELINE_STATUS';
      orgId: string;
      deploymentId: string;
      pipelineId: string;
      at: string;
      status: string;
      generation: number;
      appliedGeneration: number;
      message: string | null;
    }
  | {
      kind: 'PIPELINE_CHECKPOINT';
      orgId: string;
      deploymentId: string;
      pipelineId: string;
      at: string;
      checkpoint: PipelineCheckpoint;
    };

/**
 * The Redis channel of an organization's pipeline events (ioredis' keyPrefix does not apply to channels,
 * so the prefix is added here, as for the deployment events).
 */
export function pipelineChannelFor(config: Pick<AppConfig, 'redis'>, orgId: string): string {
  return `${config.redis.keyPrefix}pipeline-events:${orgId}`;
}

const id = z.string().min(1).max(100);
const base = { orgId: id, deploymentId: id, pipelineId: id, at: z.iso.datetime({ offset: true }) };
const PipelineLiveEventSchema = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('PIPELINE_STATUS'),
    status: z.string().max(32),
    generation: z.number().int().min(0),
    appliedGeneration: z.number().int().min(0),
    message: z.string().nullable(),
  }),
  z.object({ ...base, kind: z.literal('PIPELINE_CHECKPOINT'), checkpoint: PipelineCheckpoint }),
]);

/** A message read off a channel, or undefined when it is not a pipeline event (logged and dropped). */
export function parsePipelineLiveEvent(message: string): PipelineLiveEvent | undefined {
  try {
    const parsed = PipelineLiveEventSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
