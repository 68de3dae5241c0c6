import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClientAuthentication } from '@streamplane/deployment-spec';
import { AGENT_NAME } from './names';
import { httpHealthProbes, restrictedContainerSecurity } from './container-defaults';

export interface StreamplaneAgentArgs {
  deploymentId: string;
  /** The Kafka namespace (see the class comment). */
  namespace: k8s.core.v1.Namespace;
  image: string;
  controlPlaneUrl: string;
  /** The deployment's agent token (secret). */
  token: pulumi.Input<string>;
  kafka: {
    bootstrap: string;
    clientAuthentication: ClientAuthentication;
    /** The agent's KafkaUser; the User Operator writes its credentials to a Secret of that name. */
    userSecretName: string;
    /** The KafkaUser resource: the Deployment waits until its Secret exists. */
    user: pulumi.Resource;
    /** Secret with the cluster CA certificate (`ca.crt`) to verify the brokers. */
    clusterCaCertSecretName: string;
  };
  prometheusUrl: string;
}

/** Labels of the agent's pods (the Kafka listener's NetworkPolicy admits exactly these). */
export const AGENT_POD_LABELS = {
  'app.kubernetes.io/name': AGENT_NAME,
  'app.kubernetes.io/part-of': 'streamplane',
} as const;

/** Where the agent finds its files. Part of the contract with `apps/agent`, with the variables below. */
export const AGENT_PATHS = {
  token: '/var/run/secrets/streamplane/agent.token',
  kafkaCredentials: '/var/run/secrets/kafka/user',
  kafkaClusterCa: '/var/run/secrets/kafka/cluster-ca/ca.crt',
  spool: '/var/spool/streamplane',
} as const;

const HTTP_PORT = 8080;
/** Non-root identity that exists in distroless/`nonroot` images; no image needs to be root to run the agent. */
const AGENT_UID = 65532;

/**
 * The Streamplane agent inside the customer's cluster: it reads Kafka metadata and metrics and reports
 * heartbeats and usage to the control plane.
 *
 * It runs in the Kafka namespace because the credentials it mounts live there: the User Operator writes the
 * KafkaUser Secret, and Strimzi the cluster CA certificate, into the Kafka cluster's namespace only, and a pod
 * can mount Secrets of its own namespace only. Copying them elsewhere would break on the next CA renewal.
 *
 * Least privilege throughout: its ServiceAccount may only read pods, services and Strimzi resources of this
 * namespace (no Secrets, no writes); its KafkaUser may only describe (see `AGENT_ACLS`); the container runs as a
 * non-root user with a read-only root filesystem, no capabilities and the runtime's seccomp profile.
 */
export class StreamplaneAgent extends pulumi.ComponentResource {
  public readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: StreamplaneAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:platform:StreamplaneAgent', name, {}, opts);
    const namespace = args.namespace.metadata.name;
    const labels = { ...AGENT_POD_LABELS, 'app.kubernetes.io/component': 'agent' };

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: { name: AGENT_NAME, namespace, labels } },
      { parent: this },
    );

    const role = new k8s.rbac.v1.Role(
      `${name}-role`,
      {
        metadata: { name: AGENT_NAME, namespace, labels },
        rules: [
          { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
          {
            apiGroups: ['kafka.strimzi.io'],
            resources: ['kafkas', 'kafkanodepools', 'kafkatopics', 'kafkausers', 'kafkarebalances'],
            verbs: ['get', 'list', 'watch'],
          },
        ],
      },
      { parent: this },
    );

    new k8s.rbac.v1.RoleBinding(
      `${name}-rolebinding`,
      {
        metadata: { name: AGENT_NAME, namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace }],
      },
      { parent: this },
    );

    const tokenSecret = new k8s.core.v1.Secret(
      `${name}-token`,
      {
        metadata: { name: `${AGENT_NAME}-token`, namespace, labels },
        type: 'Opaque',
        stringData: { 'agent.token': pulumi.secret(args.token) },
      },
      { parent: this },
    );

    const kafkaSecurityProtocol = args.kafka.clientAuthentication === 'mtls' ? 'SSL' : 'SASL_SSL';
    const env: k8s.types.input.core.v1.EnvVar[] = [
      { name: 'STREAMPLANE_DEPLOYMENT_ID', value: args.deploymentId },
      { name: 'STREAMPLANE_CONTROL_PLANE_URL', value: args.controlPlaneUrl },
      { name: 'STREAMPLANE_AGENT_TOKEN_FILE', value: AGENT_PATHS.token },
      { name: 'STREAMPLANE_SPOOL_DIR', value: AGENT_PATHS.spool },
      { name: 'STREAMPLANE_HTTP_PORT', value: String(HTTP_PORT) },
      { name: 'KAFKA_BOOTSTRAP_SERVERS', value: args.kafka.bootstrap },
      { name: 'KAFKA_SECURITY_PROTOCOL', value: kafkaSecurityProtocol },
      { name: 'KAFKA_SSL_CA_FILE', value: AGENT_PATHS.kafkaClusterCa },
      // The User Operator's Secret: `password` for SCRAM-SHA-512, `user.crt`/`user.key` for mTLS.
      { name: 'KAFKA_CREDENTIALS_DIR', value: AGENT_PATHS.kafkaCredentials },
      ...(args.kafka.clientAuthentication === 'mtls'
        ? []
        : [
            { name: 'KAFKA_SASL_MECHANISM', value: 'SCRAM-SHA-512' },
            { name: 'KAFKA_SASL_USERNAME', value: args.kafka.userSecretName },
          ]),
      { name: 'PROMETHEUS_URL', value: args.prometheusUrl },
    ];

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: AGENT_NAME, namespace, labels },
        spec: {
          // One agent per deployment: two would report the same usage twice (deduplicated, but wasted) and
          // race on heartbeats. Recreate keeps it at one during rollouts too.
          replicas: 1,
          strategy: { type: 'Recreate' },
          revisionHistoryLimit: 5,
          selector: { matchLabels: AGENT_POD_LABELS },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: serviceAccount.metadata.name,
              // It talks to the Kubernetes API (pods, services, Strimzi resources), so it needs its token.
              automountServiceAccountToken: true,
              enableServiceLinks: false,
              terminationGracePeriodSeconds: 30,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: AGENT_UID,
                runAsGroup: AGENT_UID,
                fsGroup: AGENT_UID,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [
                {
                  name: 'agent',
                  image: args.image,
                  imagePullPolicy: 'IfNotPresent',
                  env,
                  ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
                  resources: {
                    requests: { cpu: '50m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
                    limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
                  },
                  securityContext: restrictedContainerSecurity(AGENT_UID),
                  ...httpHealthProbes(),
                  volumeMounts: [
                    { name: 'agent-token', mountPath: dirname(AGENT_PATHS.token), readOnly: true },
                    { name: 'kafka-user', mountPath: AGENT_PATHS.kafkaCredentials, readOnly: true },
                    {
                      name: 'kafka-cluster-ca',
                      mountPath: dirname(AGENT_PATHS.kafkaClusterCa),
                      readOnly: true,
                    },
                    { name: 'spool', mountPath: AGENT_PATHS.spool },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                {
                  name: 'agent-token',
                  secret: { secretName: tokenSecret.metadata.name, defaultMode: 0o440 },
                },
                { name: 'kafka-user', secret: { secretName: args.kafka.userSecretName, defaultMode: 0o440 } },
                {
                  name: 'kafka-cluster-ca',
                  secret: {
                    secretName: args.kafka.clusterCaCertSecretName,
                    items: [{ key: 'ca.crt', path: 'ca.crt' }],
                    defaultMode: 0o444,
                  },
                },
                // Events not yet accepted by the control plane; survives container restarts, not rescheduling.
                { name: 'spool', emptyDir: { sizeLimit: '512Mi' } },
                { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
              ],
            },
          },
        },
      },
      { parent: this, dependsOn: [role, args.kafka.user] },
    );

    this.registerOutputs({ deployment: this.deployment.metadata.name });
  }
}

const dirname = (path: string): string => path.slice(0, path.lastIndexOf('/'));
