import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformArgs } from '../types';
import { AGENT_POD_LABELS, StreamplaneAgent } from './agent';
import { CertManager } from './cert-manager';
import { IngressController } from './ingress';
import { KafkaCluster } from './kafka-cluster';
import { KafkaNetworkPolicies } from './kafka-network-policies';
import { Keda } from './keda';
import { Monitoring, PROMETHEUS_URL } from './monitoring';
import { KAFKA_CLIENT_NAMESPACE_LABEL, NAMESPACES } from './names';
import { PIPELINE_STAGE_POD_LABEL } from './pipelines/names';
import type { Pipeline } from './pipelines/pipeline';
import { createPipelines } from './pipelines/pipelines';
import { assertValidPipelines } from './pipelines/validate-workload';
import { KafkaReplication } from './replication/replication';
import { externalListenerCaCert } from './replication/external-ca';
import { MIRROR_MAKER_POD_LABELS } from './replication/replication-names';
import { StrimziOperator } from './strimzi-operator';

/**
 * Options of the platform: a Kubernetes provider for the deployment's cluster is required. Every Kubernetes
 * object below inherits it, so nothing can fall back to the ambient kubeconfig of the machine running Pulumi.
 */
export interface KafkaPlatformOptions extends pulumi.ComponentResourceOptions {
  provider: k8s.Provider;
}

/**
 * Pod Security Standard a namespace enforces. `restricted` where everything is ours or Strimzi's (Strimzi runs
 * its operands with its restricted security provider); elsewhere restricted is audited and warned about only,
 * because third-party charts (node exporter in particular) need more.
 */
type PodSecurity = 'enforce-restricted' | 'audit-restricted';

function podSecurityLabels(level: PodSecurity): Record<string, string> {
  const audit = {
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  };
  return level === 'enforce-restricted'
    ? { ...audit, 'pod-security.kubernetes.io/enforce': 'restricted' }
    : audit;
}

/**
 * Everything Streamplane runs inside a deployment's Kubernetes cluster: the Strimzi operator and Drain
 * Cleaner, the Kafka cluster (KRaft node pools, TLS listeners, users), its NetworkPolicies, ingress-nginx,
 * kube-prometheus-stack with Kafka's monitors, alerts and dashboard, the Streamplane agent, KEDA, and the
 * deployment's pipelines (topics, users and autoscaled stage runners).
 */
export class KafkaPlatform extends pulumi.ComponentResource {
  public readonly kafkaClusterName: string;
  public readonly kafkaNamespace: string;
  public readonly bootstrapInternal: pulumi.Output<string>;
  /** Null when the external listener is off. */
  public readonly bootstrapExternal: pulumi.Output<string | null>;
  public readonly grafanaUrl: pulumi.Output<string>;
  /** The KRaft metadata version the Kafka runs with. */
  public readonly kafkaMetadataVersion: string;
  /** PEM of the CA the external listener's certificates chain to (replication links trust it); null when off. */
  public readonly kafkaExternalCaCert: pulumi.Output<string | null>;
  /** The deployment's pipelines (`args.pipelines`), in the Kafka namespace. */
  public readonly pipelines: Pipeline[];

  constructor(name: string, args: PlatformArgs, opts: KafkaPlatformOptions) {
    super('streamplane:platform:KafkaPlatform', name, {}, opts);
    const { spec, cluster } = args;
    // A malformed pipeline stops the run before anything is registered.
    assertValidPipelines(args.pipelines ?? []);

    const namespace = (
      key: keyof typeof NAMESPACES,
      podSecurity: PodSecurity,
      labels: Record<string, string> = {},
    ) =>
      new k8s.core.v1.Namespace(
        `${name}-ns-${NAMESPACES[key]}`,
        {
          metadata: {
            name: NAMESPACES[key],
            labels: {
              ...podSecurityLabels(podSecurity),
              'app.kubernetes.io/managed-by': 'streamplane',
              ...labels,
            },
          },
        },
        { parent: this },
      );
    const kafkaNs = namespace('kafka', 'enforce-restricted');
    const strimziNs = namespace('strimzi', 'enforce-restricted');
    const drainCleanerNs = namespace('drainCleaner', 'enforce-restricted');
    const certManagerNs = namespace('certManager', 'audit-restricted');
    const ingressNs = namespace('ingress', 'audit-restricted');
    const monitoringNs = namespace('monitoring', 'audit-restricted');
    // KEDA's operator reads consumer-group lag from the brokers' internal listener.
    const kedaNs = namespace('keda', 'audit-restricted', KAFKA_CLIENT_NAMESPACE_LABEL);
    // Target of ingress-nginx's MQTT-over-TLS passthrough (names.ts: MQTT_SOURCE_SERVICE). Stage runners run in
    // the Kafka namespace instead, where their KafkaUser Secrets and the cluster CA are (pipelines/).
    namespace('pipelines', 'enforce-restricted', KAFKA_CLIENT_NAMESPACE_LABEL);

    const certManager = new CertManager(
      `${name}-cert-manager`,
      { namespace: certManagerNs },
      { parent: this },
    );
    const strimzi = new StrimziOperator(
      `${name}-strimzi`,
      {
        namespace: strimziNs,
        drainCleanerNamespace: drainCleanerNs,
        watchNamespace: kafkaNs,
        certManager: certManager.release,
      },
      { parent: this },
    );

    const kafka = new KafkaCluster(
      `${name}-kafka`,
      {
        namespace: kafkaNs,
        operator: strimzi.release,
        spec,
        cluster,
        agentPodLabels: AGENT_POD_LABELS,
        stageRunnerPodLabels: PIPELINE_STAGE_POD_LABEL,
        mirrorMakerPodLabels: MIRROR_MAKER_POD_LABELS,
        metadataVersion: args.kafkaMetadataVersion,
      },
      { parent: this },
    );
    new KafkaNetworkPolicies(`${name}-kafka-netpol`, { namespace: kafkaNs }, { parent: this });

    const ingress = new IngressController(
      `${name}-ingress`,
      { namespace: ingressNs, cloud: spec.cloud, zoneLabel: cluster.zoneLabel },
      { parent: this },
    );
    const monitoring = new Monitoring(
      `${name}-monitoring`,
      {
        namespace: monitoringNs,
        brokers: spec.brokers,
        controllers: spec.controllers,
        cluster,
        ingressClassName: ingress.ingressClassName,
        ingressController: ingress.release,
      },
      { parent: this },
    );

    new StreamplaneAgent(
      `${name}-agent`,
      {
        deploymentId: args.deploymentId,
        namespace: kafkaNs,
        image: args.agent.image,
        controlPlaneUrl: args.agent.controlPlaneUrl,
        token: args.agent.token,
        kafka: {
          bootstrap: kafka.bootstrapInternal,
          clientAuthentication: spec.clientAuthentication,
          userSecretName: kafka.agentUserName,
          user: kafka.agentUser,
          clusterCaCertSecretName: kafka.clusterCaCertSecretName,
        },
        prometheusUrl: PROMETHEUS_URL,
      },
      { parent: this },
    );

    const keda = new Keda(`${name}-keda`, { namespace: kedaNs, watchNamespace: kafkaNs }, { parent: this });
    this.pipelines = createPipelines(
      name,
      args.pipelines ?? [],
      {
        namespace: kafkaNs.metadata.name,
        bootstrap: kafka.bootstrapInternal,
        clientAuthentication: spec.clientAuthentication,
        clusterCaCertSecretName: kafka.clusterCaCertSecretName,
        kafka: kafka.kafka,
        autoscaler: keda.release,
      },
      this,
    );

    // Replication links (libs/replication): mirroring users as a source, MirrorMaker 2 as a target.
    if (args.replication) {
      new KafkaReplication(
        `${name}-replication`,
        {
          workload: args.replication,
          spec,
          namespace: kafkaNs.metadata.name,
          kafka: kafka.kafka,
          monitoring: monitoring.release,
        },
        { parent: this },
      );
    }
    this.kafkaExternalCaCert = externalListenerCaCert(kafka.kafka, spec.listeners.external);

    this.kafkaClusterName = kafka.kafkaName;
    this.kafkaNamespace = kafka.namespace;
    this.bootstrapInternal = pulumi.output(kafka.bootstrapInternal);
    this.bootstrapExternal = kafka.bootstrapExternal;
    this.grafanaUrl = monitoring.grafanaUrl;
    this.kafkaMetadataVersion = kafka.metadataVersion;
    this.registerOutputs({
      kafkaClusterName: this.kafkaClusterName,
      bootstrapInternal: this.bootstrapInternal,
      bootstrapExternal: this.bootstrapExternal,
      grafanaUrl: this.grafanaUrl,
      kafkaMetadataVersion: this.kafkaMetadataVersion,
    });
  }
}
