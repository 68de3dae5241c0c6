import type * as pulumi from '@pulumi/pulumi';
import type { PipelineWorkload } from '../../types';
import type { PipelineKafkaAccess } from './kafka-access';
import { Pipeline } from './pipeline';

/**
 * The deployment's pipelines, each a `Pipeline` component under `parent`. The workloads must have passed
 * `assertValidPipelines` (the platform checks them before it registers anything).
 */
export function createPipelines(
  namePrefix: string,
  pipelines: readonly PipelineWorkload[],
  kafka: PipelineKafkaAccess,
  parent: pulumi.Resource,
): Pipeline[] {
  return pipelines.map(
    (pipeline) => new Pipeline(`${namePrefix}-pipeline-${pipeline.name}`, { pipeline, kafka }, { parent }),
  );
}
