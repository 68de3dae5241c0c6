import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { PipelineStageWorkload, PipelineWorkload } from '../../types';
import type { PipelineKafkaAccess } from './kafka-access';
import { PIPELINE_STAGE_POD_LABEL } from './names';
import { AUTO_OFFSET_RESET, STAGE_HTTP_PORT, STAGE_PATHS, STAGE_RUNNER_UID } from './stage-runner-contract';
import type { StageSettings } from './stage-settings';
import { httpHealthProbes, restrictedContainerSecurity } from '../container-defaults';

export interface StageDeploymentArgs {
  objectName: string;
  pipeline: Pick<PipelineWorkload, 'id' | 'name' | 'paused'>;
  stage: PipelineStageWorkload;
  kafka: Pick<
    PipelineKafkaAccess,
    'namespace' | 'bootstrap' | 'clientAuthentication' | 'clusterCaCertSecretName'
  >;
  labels: Record<string, string>;
  podSelector: Record<string, string>;
  settings: StageSettings;
  /** KEDA scales it (a consuming stage): the Deployment leaves `replicas` to KEDA while running. */
  autoscaled: boolean;
}

/**
 * A stage runner: the stage image with the stage's settings and Kafka credentials, hardened like the agent
 * (non-root, read-only root filesystem, no privilege escalation, no capabilities, no service account token).
 *
 * Replicas: 0 while the pipeline is paused. Running, a consuming stage's count belongs to KEDA (`replicas` is
 * left out, so a run of the stack never resets what the autoscaler decided); any other stage runs its minimum.
 * Updates roll one new pod in before an old one goes.
 */
export function stageDeployment(
  name: string,
  args: StageDeploymentArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.Deployment {
  const { stage, pipeline } = args;
  const replicas = pipeline.paused ? 0 : args.autoscaled ? undefined : stage.scaling.minReplicas;
  const podLabels = { ...args.labels, ...args.podSelector, ...PIPELINE_STAGE_POD_LABEL };
  const mtls = args.kafka.clientAuthentication === 'mtls';

  return new k8s.apps.v1.Deployment(
    name,
    {
      metadata: { name: args.objectName, namespace: args.kafka.namespace, labels: args.labels },
      spec: {
        ...(replicas === undefined ? {} : { replicas }),
        revisionHistoryLimit: 5,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        selector: { matchLabels: args.podSelector },
        template: {
          metadata: {
            labels: podLabels,
            annotations: { 'streamplane.io/settings-revision': args.settings.revision },
          },
          spec: {
            // It needs nothing from the Kubernetes API.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 30,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: STAGE_RUNNER_UID,
              runAsGroup: STAGE_RUNNER_UID,
              fsGroup: STAGE_RUNNER_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            // Spread over zones when it can: a zone outage leaves the other replicas running.
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: args.podSelector },
              },
            ],
            containers: [
              {
                name: 'runner',
                image: stage.image,
                imagePullPolicy: 'IfNotPresent',
                env: runnerEnv(args),
                ports: [{ name: 'http', containerPort: STAGE_HTTP_PORT, protocol: 'TCP' }],
                resources: {
                  requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '32Mi' },
                  limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '256Mi' },
                },
                securityContext: restrictedContainerSecurity(STAGE_RUNNER_UID),
                ...httpHealthProbes(),
                volumeMounts: [
                  { name: 'stage-config', mountPath: STAGE_PATHS.configDir, readOnly: true },
                  { name: 'kafka-cluster-ca', mountPath: STAGE_PATHS.kafkaClusterCaDir, readOnly: true },
                  ...(mtls
                    ? [{ name: 'kafka-user', mountPath: STAGE_PATHS.kafkaUserDir, readOnly: true }]
                    : []),
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              {
                name: 'stage-config',
                configMap: { name: args.settings.configMap.metadata.name, defaultMode: 0o444 },
              },
              {
                name: 'kafka-cluster-ca',
                secret: {
                  secretName: args.kafka.clusterCaCertSecretName,
                  items: [{ key: 'ca.crt', path: 'ca.crt' }],
                  defaultMode: 0o444,
                },
              },
              ...(mtls
                ? [
                    {
                      name: 'kafka-user',
                      secret: {
                        secretName: args.objectName,
                        items: [
                          { key: 'user.crt', path: 'user.crt' },
                          { key: 'user.key', path: 'user.key' },
                        ],
                        defaultMode: 0o440,
                      },
                    },
                  ]
                : []),
              { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
            ],
          },
        },
      },
    },
    opts,
  );
}

function runnerEnv(args: StageDeploymentArgs): k8s.types.input.core.v1.EnvVar[] {
  const { stage, pipeline, kafka, settings } = args;
  const literal = (name: string, value: string | undefined) => (value === undefined ? [] : [{ name, value }]);
  const mtls = kafka.clientAuthentication === 'mtls';
  return [
    { name: 'STREAMPLANE_PIPELINE_ID', value: pipeline.id },
    { name: 'STREAMPLANE_PIPELINE_NAME', value: pipeline.name },
    { name: 'STREAMPLANE_STAGE_NAME', value: stage.name },
    { name: 'STREAMPLANE_STAGE_KIND', value: stage.kind },
    { name: 'STREAMPLANE_STAGE_CONFIG_FILE', value: `${STAGE_PATHS.configDir}/${STAGE_PATHS.configFile}` },
    { name: 'STREAMPLANE_HTTP_PORT', value: String(STAGE_HTTP_PORT) },
    { name: 'KAFKA_BOOTSTRAP_SERVERS', value: kafka.bootstrap },
    { name: 'KAFKA_SECURITY_PROTOCOL', value: mtls ? 'SSL' : 'SASL_SSL' },
    { name: 'KAFKA_SSL_CA_FILE', value: `${STAGE_PATHS.kafkaClusterCaDir}/ca.crt` },
    { name: 'KAFKA_CLIENT_ID', value: args.objectName },
    ...literal('KAFKA_INPUT_TOPIC', stage.inputTopic),
    ...literal('KAFKA_CONSUMER_GROUP', stage.consumerGroup),
    ...literal('KAFKA_AUTO_OFFSET_RESET', stage.consumerGroup === undefined ? undefined : AUTO_OFFSET_RESET),
    ...literal('KAFKA_OUTPUT_TOPIC', stage.outputTopic),
    ...(mtls
      ? [
          { name: 'KAFKA_SSL_CERT_FILE', value: `${STAGE_PATHS.kafkaUserDir}/user.crt` },
          { name: 'KAFKA_SSL_KEY_FILE', value: `${STAGE_PATHS.kafkaUserDir}/user.key` },
        ]
      : [
          { name: 'KAFKA_SASL_MECHANISM', value: 'SCRAM-SHA-512' },
          { name: 'KAFKA_SASL_USERNAME', value: args.objectName },
          // The User Operator's Secret is named after the KafkaUser.
          {
            name: 'KAFKA_SASL_PASSWORD',
            valueFrom: { secretKeyRef: { name: args.objectName, key: 'password' } },
          },
        ]),
    ...secretVariables(settings),
  ];
}

function secretVariables({ secret, secretKeys }: StageSettings): k8s.types.input.core.v1.EnvVar[] {
  if (!secret) return [];
  return secretKeys.map((key) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secret.metadata.name, key } },
  }));
}
