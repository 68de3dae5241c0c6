import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { PipelineTopic } from '../../types';
import { STRIMZI_API_VERSION } from '../kafka-cluster';
import { KAFKA_CLUSTER_NAME } from '../names';
import { kafkaTopicObjectName } from './names';

/**
 * A pipeline topic as a Strimzi KafkaTopic: the real name in `spec.topicName` (Kafka names may hold '.', '_'
 * and capitals, Kubernetes names cannot), partitions, replicas, retention and cleanup policy. The cluster's
 * `min.insync.replicas` (2) applies. A topic the workload keeps on delete is released by Pulumi, not deleted:
 * the KafkaTopic stays and so does the topic with its data.
 */
export function pipelineTopic(
  name: string,
  args: { topic: PipelineTopic; namespace: pulumi.Input<string>; labels: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  const { topic } = args;
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaTopic',
      metadata: {
        name: kafkaTopicObjectName(topic.topicName),
        namespace: args.namespace,
        labels: { ...args.labels, 'strimzi.io/cluster': KAFKA_CLUSTER_NAME },
        // Ready once the Topic Operator created the topic: runners start against topics that exist (the
        // brokers never auto-create one).
        annotations: {
          'pulumi.com/waitFor': 'condition=Ready',
          // A kept topic's KafkaTopic outlives its Pulumi resource; a later pipeline declaring the same topic
          // adopts it (server-side apply as a new field manager) instead of failing on the old one's fields.
          'pulumi.com/patchForce': 'true',
        },
      },
      spec: {
        topicName: topic.topicName,
        partitions: topic.partitions,
        replicas: topic.replicas,
        config: {
          'retention.ms': topic.retentionMs,
          'cleanup.policy': topic.cleanupPolicy,
        },
      },
    },
    { ...opts, retainOnDelete: topic.retainOnDelete },
  );
}
