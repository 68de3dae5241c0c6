import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  STRIMZI_VERSION,
  compareKafkaVersions,
  kafkaMetadataVersion,
  supportedKafkaVersions,
  type DeploymentSpec,
} from '@streamplane/deployment-spec';
import type { ClusterOutputs } from '../types';
import { tcpLoadBalancerAnnotations } from './cloud-load-balancer';
import { KAFKA_METRICS_CONFIG_KEY, renderJmxExporterConfig } from './kafka-metrics';
import {
  brokerSizing,
  controllerNodeSize,
  controllerSizing,
  controllerStorageGiB,
  type KafkaPodSizing,
} from './kafka-sizing';
import {
  AGENT_NAME,
  KAFKA_CLIENT_NAMESPACE_LABEL,
  KAFKA_CLUSTER_NAME,
  LISTENERS,
  NAMESPACES,
  NODE_POOLS,
  OPS_USER_NAME,
  internalBootstrap,
} from './names';

export const STRIMZI_API_VERSION = 'kafka.strimzi.io/v1';

export interface KafkaClusterArgs {
  namespace: k8s.core.v1.Namespace;
  /** The Strimzi operator's release: it installs the CRDs and reconciles everything below. */
  operator: k8s.helm.v3.Release;
  spec: DeploymentSpec;
  cluster: Pick<
    ClusterOutputs,
    'kafkaStorage' | 'kafkaNodeLabel' | 'kafkaNodeTaint' | 'kafkaNodeRoleLabel' | 'zoneLabel'
  >;
  /**
   * Labels of the pods in the Kafka namespace allowed to the internal listener: the agent's, and the
   * pipelines' stage runners', and MirrorMaker 2's (replication links into this cluster).
   */
  agentPodLabels: Record<string, string>;
  stageRunnerPodLabels: Record<string, string>;
  mirrorMakerPodLabels: Record<string, string>;
  /** Pins the KRaft metadata version (an upgrade's first phase); see `ProgramInput.kafkaMetadataVersion`. */
  metadataVersion?: string;
}

/** Strimzi's name for the listener authentication each client-authentication choice maps to. */
export const LISTENER_AUTHENTICATION = { 'scram-sha-512': 'scram-sha-512', mtls: 'tls' } as const;

/**
 * Kafka's principal for a KafkaUser: SCRAM users authenticate as their name, TLS users as the subject of the
 * certificate the User Operator issues (`CN=<name>`).
 */
export const kafkaPrincipal = (spec: DeploymentSpec, user: string): string =>
  spec.clientAuthentication === 'mtls' ? `CN=${user}` : user;

/**
 * Broker configuration. Durability first: a write acknowledged with acks=all is on at least two replicas in
 * two zones, a replica that fell behind is never elected leader (no silent data loss), and topics exist only
 * when created on purpose (KafkaTopic or the admin API), never by a typo in a producer.
 */
export const KAFKA_BROKER_CONFIG = {
  'default.replication.factor': 3,
  'min.insync.replicas': 2,
  'offsets.topic.replication.factor': 3,
  'transaction.state.log.replication.factor': 3,
  'transaction.state.log.min.isr': 2,
  'unclean.leader.election.enable': false,
  'auto.create.topics.enable': false,
  // Consumers that set client.rack read from a replica in their own zone: no cross-zone transfer charges.
  'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
} as const;

/**
 * The Kafka cluster: a StorageClass for its volumes, the JMX exporter rules, two KafkaNodePools (KRaft
 * controllers and brokers), the `Kafka` resource itself, and the KafkaUsers Streamplane needs.
 */
export class KafkaCluster extends pulumi.ComponentResource {
  public readonly kafkaName = KAFKA_CLUSTER_NAME;
  public readonly namespace = NAMESPACES.kafka;
  public readonly storageClassName: pulumi.Output<string>;
  /** `<cluster>-kafka-bootstrap.<ns>.svc:9093`, the TLS listener for clients inside the cluster. */
  public readonly bootstrapInternal: string;
  /** The external listener's bootstrap address (`host:9094`) once its load balancer exists; null when off. */
  public readonly bootstrapExternal: pulumi.Output<string | null>;
  /** Secret with the cluster CA certificate (`ca.crt`) clients use to verify the brokers. */
  public readonly clusterCaCertSecretName = `${KAFKA_CLUSTER_NAME}-cluster-ca-cert`;
  /** The agent's KafkaUser; the User Operator writes its credentials to a Secret of the same name. */
  public readonly agentUserName = AGENT_NAME;
  /** Ready once the User Operator has written the agent's credentials. */
  public readonly agentUser: k8s.apiextensions.CustomResource;
  public readonly kafka: k8s.apiextensions.CustomResource;
  /** The KRaft metadata version the Kafka resource is given. */
  public readonly metadataVersion: string;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:platform:KafkaCluster', name, {}, opts);
    const { spec, cluster } = args;
    const namespace = args.namespace.metadata.name;
    const metadataVersion = kraftMetadataVersion(spec.kafkaVersion, args.metadataVersion);
    this.metadataVersion = metadataVersion;

    // Retain: deleting the Kafka (or its PVCs by mistake) must never delete the data; volumes are released by
    // hand. WaitForFirstConsumer: a volume is created in the zone its broker was scheduled to.
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-storage`,
      {
        metadata: { name: `${KAFKA_CLUSTER_NAME}-kafka` },
        provisioner: cluster.kafkaStorage.provisioner,
        parameters: cluster.kafkaStorage.parameters,
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      },
      { parent: this },
    );
    this.storageClassName = storageClass.metadata.name;

    const metricsConfig = new k8s.core.v1.ConfigMap(
      `${name}-metrics`,
      {
        metadata: { name: `${KAFKA_CLUSTER_NAME}-kafka-metrics`, namespace },
        data: { [KAFKA_METRICS_CONFIG_KEY]: renderJmxExporterConfig() },
      },
      { parent: this },
    );

    const pool = ({ poolName, role, replicas, volumeGiB, sizing, nodeSize }: NodePoolPlan) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${poolName}`,
        {
          apiVersion: STRIMZI_API_VERSION,
          kind: 'KafkaNodePool',
          metadata: { name: poolName, namespace, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER_NAME } },
          spec: {
            replicas,
            roles: [role],
            storage: {
              type: 'jbod',
              volumes: [
                {
                  id: 0,
                  type: 'persistent-claim',
                  size: `${volumeGiB}Gi`,
                  class: this.storageClassName,
                  // Scaling down or deleting the pool keeps the claims (and so the data) until removed by hand.
                  deleteClaim: false,
                  kraftMetadata: 'shared',
                },
              ],
            },
            resources: sizing.resources,
            jvmOptions: sizing.jvmOptions,
            template: { pod: kafkaPodPlacement(cluster, poolName, role, nodeSize) },
          },
        },
        { parent: this, dependsOn: [storageClass, args.operator] },
      );
    const controllers = pool({
      poolName: NODE_POOLS.controllers,
      role: 'controller',
      replicas: spec.controllers,
      volumeGiB: controllerStorageGiB(spec),
      sizing: controllerSizing(spec),
      nodeSize: controllerNodeSize(spec),
    });
    const brokers = pool({
      poolName: NODE_POOLS.brokers,
      role: 'broker',
      replicas: spec.brokers,
      volumeGiB: spec.storagePerBrokerGiB,
      sizing: brokerSizing(spec),
      nodeSize: spec.nodeSize,
    });

    const authentication = { type: LISTENER_AUTHENTICATION[spec.clientAuthentication] };
    const listeners: Record<string, unknown>[] = [
      {
        name: LISTENERS.internal.name,
        port: LISTENERS.internal.port,
        type: 'internal',
        tls: true,
        authentication,
        // Strimzi turns these peers into the NetworkPolicy of the listener port: the agent, the pipelines'
        // stage runners, MirrorMaker 2 (writing mirrored records into this cluster), and pods of the namespaces marked as Kafka clients (KEDA). Strimzi's own components
        // use the replication port.
        networkPolicyPeers: [
          { podSelector: { matchLabels: args.agentPodLabels } },
          { podSelector: { matchLabels: args.stageRunnerPodLabels } },
          { podSelector: { matchLabels: args.mirrorMakerPodLabels } },
          { namespaceSelector: { matchLabels: KAFKA_CLIENT_NAMESPACE_LABEL } },
        ],
      },
    ];
    if (spec.listeners.external) {
      listeners.push({
        name: LISTENERS.external.name,
        port: LISTENERS.external.port,
        type: 'loadbalancer',
        // TLS end to end: the load balancer passes TCP through, brokers present certificates from the cluster
        // CA with the load balancer addresses as subject alternative names.
        tls: true,
        authentication,
      });
    }

    this.kafka = new k8s.apiextensions.CustomResource(
      `${name}-kafka`,
      {
        apiVersion: STRIMZI_API_VERSION,
        kind: 'Kafka',
        metadata: {
          name: KAFKA_CLUSTER_NAME,
          namespace,
          annotations: {
            // Wait until Strimzi reports the cluster Ready (brokers rolled, load balancers addressed), so the
            // external bootstrap address below is in the status and dependants start against a working Kafka.
            'pulumi.com/waitFor': 'condition=Ready',
            'pulumi.com/timeoutSeconds': '3600',
          },
        },
        spec: {
          kafka: {
            version: spec.kafkaVersion,
            metadataVersion,
            listeners,
            authorization: {
              type: 'simple',
              // Strimzi adds its own components (operators, Cruise Control, Kafka Exporter) itself.
              superUsers: [kafkaPrincipal(spec, OPS_USER_NAME)],
            },
            rack: { topologyKey: cluster.zoneLabel },
            config: KAFKA_BROKER_CONFIG,
            metricsConfig: {
              type: 'jmxPrometheusExporter',
              valueFrom: {
                configMapKeyRef: { name: metricsConfig.metadata.name, key: KAFKA_METRICS_CONFIG_KEY },
              },
            },
            // The external listener's load balancers (one bootstrap, one per broker) carry long-lived TCP.
            ...(spec.listeners.external ? { template: externalServiceTemplate(spec) } : {}),
          },
          entityOperator: {
            topicOperator: { resources: smallJavaResources },
            userOperator: { resources: smallJavaResources },
          },
          cruiseControl: {
            resources: { requests: { cpu: '200m', memory: '768Mi' }, limits: { memory: '1Gi' } },
            // A conservative per-broker network capacity; Strimzi's default (10 MB/s) would make Cruise
            // Control treat ordinary traffic as overload and refuse to rebalance.
            brokerCapacity: { inboundNetwork: '100MiB/s', outboundNetwork: '100MiB/s' },
            // Scaling brokers up moves partitions onto the new ones; scaling down empties brokers first.
            autoRebalance: [{ mode: 'add-brokers' }, { mode: 'remove-brokers' }],
          },
          kafkaExporter: {
            topicRegex: '.*',
            groupRegex: '.*',
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          },
        },
        // Exposes the status (listener addresses) as an output; Strimzi, not Pulumi, writes it.
        status: undefined,
      },
      { parent: this, dependsOn: [controllers, brokers, metricsConfig] },
    );

    this.bootstrapInternal = internalBootstrap();
    this.bootstrapExternal = spec.listeners.external
      ? (this.kafka as unknown as { status: pulumi.Output<KafkaStatus | undefined> }).status.apply(
          (status) =>
            status?.listeners?.find((listener) => listener.name === LISTENERS.external.name)
              ?.bootstrapServers ?? null,
        )
      : pulumi.output(null);

    const user = (userName: string, acls: KafkaAcl[] | undefined) =>
      new k8s.apiextensions.CustomResource(
        `${name}-user-${userName}`,
        {
          apiVersion: STRIMZI_API_VERSION,
          kind: 'KafkaUser',
          metadata: {
            name: userName,
            namespace,
            labels: { 'strimzi.io/cluster': KAFKA_CLUSTER_NAME },
            // Ready means the User Operator has written the credentials Secret that the agent mounts.
            annotations: { 'pulumi.com/waitFor': 'condition=Ready' },
          },
          spec: {
            authentication: { type: LISTENER_AUTHENTICATION[spec.clientAuthentication] },
            ...(acls ? { authorization: { type: 'simple', acls } } : {}),
          },
        },
        { parent: this, dependsOn: [this.kafka] },
      );
    // The agent reads metadata only (topics, partitions, offsets, consumer groups and their lag): Describe,
    // never Read or Write, so a leaked agent credential exposes no message and can change nothing.
    this.agentUser = user(AGENT_NAME, AGENT_ACLS);
    // Break-glass operations user: a super user (see `authorization.superUsers`), so it needs no ACLs. Nothing
    // mounts its Secret; only cluster administrators can read it.
    user(OPS_USER_NAME, undefined);

    this.registerOutputs({
      kafkaName: this.kafkaName,
      namespace: this.namespace,
      storageClassName: this.storageClassName,
      bootstrapInternal: this.bootstrapInternal,
      bootstrapExternal: this.bootstrapExternal,
    });
  }
}

/**
 * The `metadataVersion` for the Kafka resource: Strimzi's pairing for the Kafka version, or the pinned one. A
 * pin must be the metadata version of a supported Kafka version no newer than the one running: brokers cannot
 * run a metadata version newer than their own, and anything else would be a typo Strimzi rejects only after
 * the run has started.
 */
export function kraftMetadataVersion(kafkaVersion: string, pinned?: string): string {
  const own = kafkaMetadataVersion(kafkaVersion);
  // The spec was validated against the same version list; a miss means the catalog and Strimzi disagree.
  if (!own) throw new Error(`Kafka ${kafkaVersion} is not supported by Strimzi ${STRIMZI_VERSION}`);
  if (pinned === undefined) return own;
  const allowed = [
    ...new Set(
      supportedKafkaVersions()
        .filter((version) => compareKafkaVersions(version, kafkaVersion) <= 0)
        .map((version) => kafkaMetadataVersion(version)),
    ),
  ];
  if (!allowed.includes(pinned)) {
    throw new Error(
      `KRaft metadata version ${JSON.stringify(pinned)} cannot be pinned for Kafka ${kafkaVersion} ` +
        `(Strimzi ${STRIMZI_VERSION}); allowed: ${allowed.join(', ')}`,
    );
  }
  return pinned;
}

function externalServiceTemplate(spec: DeploymentSpec): Record<string, unknown> {
  const annotations = tcpLoadBalancerAnnotations(spec.cloud);
  return {
    externalBootstrapService: { metadata: { annotations } },
    perPodService: { metadata: { annotations } },
  };
}

interface NodePoolPlan {
  poolName: string;
  role: 'controller' | 'broker';
  replicas: number;
  /** Size of the pool's one JBOD volume per node. */
  volumeGiB: number;
  sizing: KafkaPodSizing;
  /** The node size the pool's pods are sized for (and prefer, when nodes carry no role label). */
  nodeSize: string;
}

interface KafkaStatus {
  listeners?: { name?: string; bootstrapServers?: string }[];
}

interface KafkaAcl {
  resource: { type: 'cluster' | 'topic' | 'group'; name?: string; patternType?: 'literal' | 'prefix' };
  operations: string[];
}

export const AGENT_ACLS: KafkaAcl[] = [
  { resource: { type: 'cluster' }, operations: ['Describe', 'DescribeConfigs'] },
  {
    resource: { type: 'topic', name: '*', patternType: 'literal' },
    operations: ['Describe', 'DescribeConfigs'],
  },
  { resource: { type: 'group', name: '*', patternType: 'literal' }, operations: ['Describe'] },
];

const smallJavaResources = { requests: { cpu: '100m', memory: '384Mi' }, limits: { memory: '512Mi' } };

/**
 * Where a Kafka pod may run: only on the Kafka nodes (node affinity + toleration of their taint), one Kafka
 * pod per node (so losing a node loses one broker or one controller, never two), and each pool spread evenly
 * over the three zones (so losing a zone loses at most a third of the brokers and a minority of controllers).
 *
 * Brokers and controllers get nodes of different sizes (the spec's, and the catalog's controller size). When
 * the cloud component labels each Kafka node with its role, a pod requires its role's nodes; otherwise it
 * prefers its node size, so a controller does not take a broker-sized node and leave a broker a node too
 * small for its requests.
 */
export function kafkaPodPlacement(
  cluster: KafkaClusterArgs['cluster'],
  poolName: string,
  role: 'controller' | 'broker',
  nodeSize: string,
): Record<string, unknown> {
  const kafkaPods = {
    'strimzi.io/cluster': KAFKA_CLUSTER_NAME,
    'strimzi.io/name': `${KAFKA_CLUSTER_NAME}-kafka`,
  };
  const roleLabel = cluster.kafkaNodeRoleLabel;
  const requiredNodeLabels = [
    { key: cluster.kafkaNodeLabel.key, operator: 'In', values: [cluster.kafkaNodeLabel.value] },
    ...(roleLabel
      ? [
          {
            key: roleLabel.key,
            operator: 'In',
            values: [role === 'broker' ? roleLabel.brokers : roleLabel.controllers],
          },
        ]
      : []),
  ];
  const preferredNodeSize = [
    {
      weight: 100,
      preference: {
        matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: [nodeSize] }],
      },
    },
  ];
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: requiredNodeLabels }],
        },
        ...(roleLabel ? {} : { preferredDuringSchedulingIgnoredDuringExecution: preferredNodeSize }),
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: kafkaPods }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    },
    tolerations: [
      {
        key: cluster.kafkaNodeTaint.key,
        operator: 'Equal',
        value: cluster.kafkaNodeTaint.value,
        effect: cluster.kafkaNodeTaint.effect,
      },
    ],
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: cluster.zoneLabel,
        whenUnsatisfiable: 'DoNotSchedule',
        // Counts zones even before a pod runs in each, so the first pods cannot pile into one or two zones.
        minDomains: 3,
        labelSelector: { matchLabels: { ...kafkaPods, 'strimzi.io/pool-name': poolName } },
      },
    ],
  };
}
