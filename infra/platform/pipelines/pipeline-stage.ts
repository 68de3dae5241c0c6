import * as pulumi from '@pulumi/pulumi';
import type { PipelineStageWorkload, PipelineWorkload } from '../../types';
import { stageAcls } from './acls';
import type { PipelineKafkaAccess } from './kafka-access';
import { pipelineLabels, stageObjectName, stageSelectorLabels } from './names';
import { kedaConfigData, stageAutoscaling } from './stage-autoscaling';
import { stageDeployment } from './stage-deployment';
import { stageKafkaUser } from './stage-kafka-user';
import { stageNetworkPolicy } from './stage-network-policy';
import { stageSettings } from './stage-settings';

export interface PipelineStageArgs {
  pipeline: Pick<PipelineWorkload, 'id' | 'name' | 'paused'>;
  stage: PipelineStageWorkload;
  kafka: PipelineKafkaAccess;
  /** The pipeline's KafkaTopics: the runner starts once they exist. */
  topics: pulumi.Resource[];
}

/**
 * One stage of a pipeline in the Kafka namespace: its KafkaUser, settings (ConfigMap, Secret), runner
 * Deployment, NetworkPolicy, and — when it consumes — its KEDA autoscaling.
 *
 * Why the Kafka namespace: the runner mounts its KafkaUser's Secret and the cluster CA certificate, which the
 * User Operator and Strimzi write there only (a pod mounts Secrets of its own namespace only; copies would go
 * stale when a certificate is renewed).
 */
export class PipelineStage extends pulumi.ComponentResource {
  /** The stage's KafkaUser (and Kafka principal, Deployment, ScaledObject…) name. */
  public readonly objectName: string;

  constructor(name: string, args: PipelineStageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:platform:PipelineStage', name, {}, opts);
    const { pipeline, stage, kafka } = args;
    const objectName = stageObjectName(pipeline.name, stage.name);
    this.objectName = objectName;
    const podSelector = stageSelectorLabels(pipeline.name, stage.name);
    const labels = { ...pipelineLabels(pipeline), ...podSelector };
    const namespace = kafka.namespace;
    const consumer = consumingStage(stage);

    const user = stageKafkaUser(
      `${name}-user`,
      {
        objectName,
        namespace,
        labels,
        clientAuthentication: kafka.clientAuthentication,
        acls: stageAcls(stage),
      },
      { parent: this, dependsOn: [kafka.kafka] },
    );
    const settings = stageSettings(
      name,
      {
        base: objectName,
        namespace,
        labels,
        stage,
        extraData: consumer ? kedaConfigData(kafka.clientAuthentication, objectName) : undefined,
      },
      { parent: this },
    );
    stageNetworkPolicy(
      `${name}-netpol`,
      { objectName, namespace, labels, podSelector, stage },
      { parent: this },
    );
    const deployment = stageDeployment(
      `${name}-deployment`,
      {
        objectName,
        pipeline,
        stage,
        kafka,
        labels,
        podSelector,
        settings,
        autoscaled: consumer !== undefined,
      },
      {
        parent: this,
        dependsOn: [user, settings.configMap, ...(settings.secret ? [settings.secret] : []), ...args.topics],
      },
    );
    if (consumer) {
      stageAutoscaling(
        name,
        {
          objectName,
          stage: consumer,
          paused: pipeline.paused,
          kafka,
          labels,
          configMapName: settings.configMap.metadata.name,
          deployment,
        },
        { parent: this, dependsOn: [kafka.autoscaler, user, deployment] },
      );
    }
    this.registerOutputs({ objectName });
  }
}

/** The stage when it consumes (an input topic and a consumer group): those are autoscaled on lag. */
function consumingStage(
  stage: PipelineStageWorkload,
): (PipelineStageWorkload & { inputTopic: string; consumerGroup: string }) | undefined {
  const { inputTopic, consumerGroup } = stage;
  return inputTopic !== undefined && consumerGroup !== undefined
    ? { ...stage, inputTopic, consumerGroup }
    : undefined;
}
