import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { PipelineStageWorkload } from '../../types';
import type { PipelineKafkaAccess } from './kafka-access';
import { AUTO_OFFSET_RESET } from './stage-runner-contract';

export const KEDA_API_VERSION = 'keda.sh/v1alpha1';
/** KEDA holds the target at this many replicas (and stops scaling it) while the annotation is set. */
export const KEDA_PAUSED_REPLICAS_ANNOTATION = 'autoscaling.keda.sh/paused-replicas';

/** Keys of the stage ConfigMap that KEDA reads its non-secret connection settings from. */
export const KEDA_CONFIG_KEYS = { sasl: 'keda.sasl', username: 'keda.username', tls: 'keda.tls' } as const;

/**
 * Lag-based autoscaling of a consuming stage: a KEDA ScaledObject with a `kafka` trigger on the stage's
 * consumer group and input topic, between the stage's minimum and maximum replicas, and a
 * TriggerAuthentication that logs KEDA's scaler in as the stage's own KafkaUser (so it sees exactly what the
 * stage may see: describing its topic and group is all the lag needs). While the pipeline is paused KEDA
 * holds the runner at 0 replicas.
 */
export function stageAutoscaling(
  name: string,
  args: {
    objectName: string;
    stage: PipelineStageWorkload & { inputTopic: string; consumerGroup: string };
    paused: boolean;
    kafka: Pick<
      PipelineKafkaAccess,
      'namespace' | 'bootstrap' | 'clientAuthentication' | 'clusterCaCertSecretName'
    >;
    labels: Record<string, string>;
    /** The stage ConfigMap, holding `KEDA_CONFIG_KEYS` (see `kedaConfigData`). */
    configMapName: pulumi.Input<string>;
    deployment: k8s.apps.v1.Deployment;
  },
  opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] },
): {
  scaledObject: k8s.apiextensions.CustomResource;
  triggerAuthentication: k8s.apiextensions.CustomResource;
} {
  const { stage, kafka } = args;
  const mtls = kafka.clientAuthentication === 'mtls';
  const fromConfigMap = (parameter: keyof typeof KEDA_CONFIG_KEYS) => ({
    parameter,
    name: args.configMapName,
    key: KEDA_CONFIG_KEYS[parameter],
  });
  const userSecret = (parameter: string, key: string) => ({ parameter, name: args.objectName, key });

  const triggerAuthentication = new k8s.apiextensions.CustomResource(
    `${name}-trigger-auth`,
    {
      apiVersion: KEDA_API_VERSION,
      kind: 'TriggerAuthentication',
      metadata: { name: args.objectName, namespace: kafka.namespace, labels: args.labels },
      spec: {
        configMapTargetRef: mtls
          ? [fromConfigMap('tls')]
          : [fromConfigMap('sasl'), fromConfigMap('username'), fromConfigMap('tls')],
        secretTargetRef: [
          { parameter: 'ca', name: kafka.clusterCaCertSecretName, key: 'ca.crt' },
          ...(mtls
            ? [userSecret('cert', 'user.crt'), userSecret('key', 'user.key')]
            : [userSecret('password', 'password')]),
        ],
      },
    },
    opts,
  );

  const { minReplicas, maxReplicas, lagThreshold } = stage.scaling;
  const scaledObject = new k8s.apiextensions.CustomResource(
    `${name}-scaled-object`,
    {
      apiVersion: KEDA_API_VERSION,
      kind: 'ScaledObject',
      metadata: {
        name: args.objectName,
        namespace: kafka.namespace,
        labels: args.labels,
        ...(args.paused ? { annotations: { [KEDA_PAUSED_REPLICAS_ANNOTATION]: '0' } } : {}),
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: args.deployment.metadata.name },
        minReplicaCount: minReplicas,
        maxReplicaCount: maxReplicas,
        pollingInterval: 15,
        // Scale in only after five quiet minutes: each scale-in rebalances the consumer group.
        cooldownPeriod: 300,
        triggers: [
          {
            type: 'kafka',
            metadata: {
              bootstrapServers: kafka.bootstrap,
              consumerGroup: stage.consumerGroup,
              topic: stage.inputTopic,
              lagThreshold: String(lagThreshold),
              offsetResetPolicy: AUTO_OFFSET_RESET,
              // More consumers than partitions would sit idle.
              allowIdleConsumers: 'false',
            },
            authenticationRef: { name: triggerAuthentication.metadata.name },
          },
        ],
      },
    },
    { ...opts, dependsOn: [...opts.dependsOn, args.deployment, triggerAuthentication] },
  );
  return { scaledObject, triggerAuthentication };
}

/** The ConfigMap entries the TriggerAuthentication reads (KEDA takes these parameters from a ConfigMap). */
export function kedaConfigData(
  clientAuthentication: PipelineKafkaAccess['clientAuthentication'],
  userName: string,
): Record<string, string> {
  return clientAuthentication === 'mtls'
    ? { [KEDA_CONFIG_KEYS.tls]: 'enable' }
    : {
        [KEDA_CONFIG_KEYS.sasl]: 'scram_sha512',
        [KEDA_CONFIG_KEYS.username]: userName,
        [KEDA_CONFIG_KEYS.tls]: 'enable',
      };
}
