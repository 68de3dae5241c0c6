/**
 * Names the platform's pieces share. They are fixed (not derived from the deployment name) because Kubernetes
 * object names are limited to 63 characters and Strimzi appends long suffixes (`-kafka-external-bootstrap`,
 * `-<pool>-<listener>-<id>`): a fixed short cluster name keeps every derived name valid for any deployment
 * name the spec allows. Each customer cluster hosts exactly one Kafka, so nothing collides.
 */
export const KAFKA_CLUSTER_NAME = 'streamplane';

export const NAMESPACES = {
  /** The Kafka cluster, its node pools and users, and the Streamplane agent (which mounts their secrets). */
  kafka: 'kafka',
  strimzi: 'strimzi-system',
  drainCleaner: 'strimzi-drain-cleaner',
  certManager: 'cert-manager',
  ingress: 'ingress-nginx',
  monitoring: 'monitoring',
  /** KEDA, which autoscales the pipelines' stage runners; labelled as a Kafka client namespace (lag). */
  keda: 'keda',
  /**
   * Reserved for the pipelines' in-cluster MQTT endpoint (ingress-nginx forwards 8883 here); labelled as a
   * Kafka client namespace. Stage runners themselves run in the Kafka namespace (see pipelines/pipeline-stage.ts).
   */
  pipelines: 'streamplane-pipelines',
} as const;

/** Node pool names; Strimzi derives pod names (`streamplane-brokers-0`) and PVC names from them. */
export const NODE_POOLS = { controllers: 'controllers', brokers: 'brokers' } as const;

export const LISTENERS = {
  /** TLS listener for clients inside the cluster. */
  internal: { name: 'tls', port: 9093 },
  /** TLS listener behind one cloud load balancer per broker plus a bootstrap one. */
  external: { name: 'external', port: 9094 },
} as const;

/** MQTT over TLS, passed through ingress-nginx untouched (TLS is terminated by the MQTT source itself). */
export const MQTT_TLS_PORT = 8883;
/** The pipelines' MQTT source service that ingress-nginx forwards port 8883 to. */
export const MQTT_SOURCE_SERVICE = {
  namespace: NAMESPACES.pipelines,
  name: 'mqtt-source',
  port: MQTT_TLS_PORT,
};

/** Helm release names are part of every object name the charts create, so they are fixed too. */
export const RELEASES = {
  strimzi: 'strimzi',
  drainCleaner: 'strimzi-drain-cleaner',
  certManager: 'cert-manager',
  ingress: 'ingress-nginx',
  monitoring: 'kube-prometheus-stack',
  keda: 'keda',
} as const;

/** Label kube-prometheus-stack's Prometheus uses to select PodMonitors and PrometheusRules. */
export const PROMETHEUS_SELECTOR_LABEL = { release: RELEASES.monitoring } as const;
/** Label the Grafana dashboard sidecar watches for (the chart's default, set explicitly on both sides). */
export const GRAFANA_DASHBOARD_LABEL = { key: 'grafana_dashboard', value: '1' } as const;

/** Namespaces carrying this label may reach the brokers' internal listener. */
export const KAFKA_CLIENT_NAMESPACE_LABEL = { 'streamplane.io/kafka-client': 'true' } as const;

export const AGENT_NAME = 'streamplane-agent';
/** Kafka principal of Streamplane's break-glass operations user (super user; nothing mounts its secret). */
export const OPS_USER_NAME = 'streamplane-ops';

export const GRAFANA_PATH = '/grafana';

export const internalBootstrap = (): string =>
  `${KAFKA_CLUSTER_NAME}-kafka-bootstrap.${NAMESPACES.kafka}.svc:${LISTENERS.internal.port}`;
