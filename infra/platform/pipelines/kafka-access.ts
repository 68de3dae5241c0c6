import type * as pulumi from '@pulumi/pulumi';
import type { ClientAuthentication } from '@streamplane/deployment-spec';

/** How a pipeline reaches the deployment's Kafka: where its objects go and how its clients authenticate. */
export interface PipelineKafkaAccess {
  /** The Kafka namespace: the only one Strimzi's topic and user operators watch. */
  namespace: pulumi.Input<string>;
  /** The internal TLS listener, `<cluster>-kafka-bootstrap.<ns>.svc:9093`. */
  bootstrap: string;
  /** The listeners' client authentication: each stage's KafkaUser gets the same. */
  clientAuthentication: ClientAuthentication;
  /** Secret with the cluster CA certificate (`ca.crt`) that clients verify the brokers with. */
  clusterCaCertSecretName: string;
  /** The Kafka resource (Ready): topics and users are created after it. */
  kafka: pulumi.Resource;
  /** KEDA's release: ScaledObjects and TriggerAuthentications need its CRDs and operator. */
  autoscaler: pulumi.Resource;
}
