import { displayName } from '@streamplane/errors';
import { z } from 'zod';
import { PipelineError, PipelineErrorCode as Code } from '../pipelines.errors';
import { isStageKind, roleOf, STAGE_KINDS, STAGE_OPTIONS, type StageKind } from './stage-catalog';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function dnsLabel(max: number) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(
      DNS_LABEL,
      'must be a DNS label: lower-case letters, digits and -, starting and ending alphanumeric',
    );
}

export const pipelineName = dnsLabel(40);
export const stageName = dnsLabel(30);

/** Topic settings of every topic the pipeline creates. */
export const PipelineTopicSettings = z.strictObject({
  partitions: z.number().int().min(1).max(1000).default(6),
  retentionHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365 * 10)
    .default(168),
  cleanupPolicy: z.enum(['delete', 'compact']).default('delete'),
});
export type PipelineTopicSettings = z.output<typeof PipelineTopicSettings>;

/** Lag-based autoscaling of a consuming stage (replicas 1..partitions of its input topic). */
export const StageScaling = z.strictObject({
  lagThreshold: z.number().int().min(1).max(10_000_000).default(1000),
  maxReplicas: z.number().int().min(1).max(1000).optional(),
});

const StageBase = {
  name: stageName,
  /** Overrides the default `<pipeline>.<stage>` name of the topic the stage writes (non-sinks only). */
  outputTopic: z.string().optional(),
  scaling: StageScaling.optional(),
};

/** One stage: a discriminated union on `kind`, each kind with its own options. */
export const PipelineStage = z.discriminatedUnion(
  'kind',
  STAGE_KINDS.map((kind) =>
    z.strictObject({ ...StageBase, kind: z.literal(kind), options: STAGE_OPTIONS[kind] }),
  ) as unknown as [
    z.ZodObject<{
      name: typeof stageName;
      kind: z.ZodLiteral<StageKind>;
      options: z.ZodType;
      outputTopic: z.ZodOptional<z.ZodString>;
      scaling: z.ZodOptional<typeof StageScaling>;
    }>,
  ],
);

/** What a customer writes (and what is stored, with secrets sealed). */
export const PipelineSpecSchema = z.strictObject({
  name: pipelineName,
  description: displayName(500).optional(),
  topics: PipelineTopicSettings.default({ partitions: 6, retentionHours: 168, cleanupPolicy: 'delete' }),
  stages: z
    .array(z.unknown())
    .min(2, 'must have at least a source and a sink')
    .max(12, 'must have at most 12 stages'),
});

export interface PipelineStageSpec {
  name: string;
  kind: StageKind;
  options: Record<string, unknown>;
  outputTopic?: string;
  scaling?: { lagThreshold: number; maxReplicas?: number };
}

export interface PipelineSpec {
  name: string;
  description?: string;
  topics: PipelineTopicSettings;
  stages: PipelineStageSpec[];
}

/**
 * Parses a pipeline spec: the shape, each stage's kind (UNKNOWN_STAGE_KIND) and options, and the order
 * of roles — exactly one source first, transforms in between, exactly one sink last; stage names unique.
 * Topic names, JSON Schemas and the topic graph are checked by validatePipeline.
 */
export function parsePipelineSpec(raw: unknown): PipelineSpec {
  const base = PipelineSpecSchema.safeParse(raw);
  if (!base.success) throw invalid(base.error.issues);
  const stagesRaw = base.data.stages;
  stagesRaw.forEach((stage, index) => {
    const kind = (stage as { kind?: unknown } | null)?.kind;
    if (!isStageKind(kind)) {
      throw new PipelineError(
        Code.UNKNOWN_STAGE_KIND,
        `Stage ${index + 1} has kind ${JSON.stringify(kind ?? null)}, which is not one of: ${STAGE_KINDS.join(', ')}.`,
        [{ field: `stages.${index}.kind`, message: 'is not a known stage kind' }],
      );
    }
  });
  const stages: PipelineStageSpec[] = [];
  const problems: z.core.$ZodIssue[] = [];
  stagesRaw.forEach((stage, index) => {
    const parsed = PipelineStage.safeParse(stage);
    if (parsed.success) stages.push(parsed.data as PipelineStageSpec);
    else
      problems.push(
        ...parsed.error.issues.map((issue) => ({ ...issue, path: ['stages', index, ...issue.path] })),
      );
  });
  if (problems.length > 0) throw invalid(problems);

  const fields: { field: string; message: string }[] = [];
  const last = stages.length - 1;
  stages.forEach((stage, index) => {
    const role = roleOf(stage.kind);
    const expected = index === 0 ? 'source' : index === last ? 'sink' : 'transform';
    if (role !== expected) {
      fields.push({
        field: `stages.${index}.kind`,
        message: `must be a ${expected} (${stage.kind} is a ${role})`,
      });
    }
    if (stages.findIndex((other) => other.name === stage.name) !== index) {
      fields.push({ field: `stages.${index}.name`, message: `${stage.name} is used by an earlier stage` });
    }
    if (stage.outputTopic !== undefined && (role === 'sink' || stage.kind === 'source.kafka')) {
      fields.push({
        field: `stages.${index}.outputTopic`,
        message: `a ${stage.kind} stage has no topic of its own`,
      });
    }
  });
  if (fields.length > 0) {
    throw new PipelineError(
      Code.INVALID_PIPELINE,
      `Invalid pipeline: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      fields,
    );
  }
  return {
    name: base.data.name,
    ...(base.data.description !== undefined ? { description: base.data.description } : {}),
    topics: base.data.topics,
    stages,
  };
}

function invalid(issues: readonly z.core.$ZodIssue[]): PipelineError {
  const fields = issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(pipeline)',
    message: issue.message,
  }));
  return new PipelineError(
    Code.INVALID_PIPELINE,
    `Invalid pipeline: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
    fields,
  );
}
