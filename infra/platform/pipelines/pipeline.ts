import * as pulumi from '@pulumi/pulumi';
import type { PipelineWorkload } from '../../types';
import type { PipelineKafkaAccess } from './kafka-access';
import { pipelineLabels } from './names';
import { PipelineStage } from './pipeline-stage';
import { pipelineTopic } from './pipeline-topic';

/**
 * One customer pipeline on the deployment's cluster: a KafkaTopic per topic it owns and a `PipelineStage`
 * per stage. Logical names derive from the pipeline, topic and stage names only (never their order), so
 * reordering, pausing or updating a pipeline never replaces what is unchanged.
 */
export class Pipeline extends pulumi.ComponentResource {
  public readonly stages: PipelineStage[];

  constructor(
    name: string,
    args: { pipeline: PipelineWorkload; kafka: PipelineKafkaAccess },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('streamplane:platform:Pipeline', name, {}, opts);
    const { pipeline, kafka } = args;
    const labels = pipelineLabels(pipeline);

    const topics = pipeline.topics.map((topic) =>
      pipelineTopic(
        `${name}-topic-${topic.topicName}`,
        { topic, namespace: kafka.namespace, labels },
        { parent: this, dependsOn: [kafka.kafka] },
      ),
    );
    // '/' cannot occur in pipeline or stage names, so pipeline `a-b` stage `c` and pipeline `a` stage `b-c`
    // get different logical names.
    this.stages = pipeline.stages.map(
      (stage) =>
        new PipelineStage(`${name}/${stage.name}`, { pipeline, stage, kafka, topics }, { parent: this }),
    );
    this.registerOutputs({ stages: this.stages.map((stage) => stage.objectName) });
  }
}
