import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { ClientAuthentication } from '@streamplane/deployment-spec';
import { LISTENER_AUTHENTICATION, STRIMZI_API_VERSION } from '../kafka-cluster';
import { KAFKA_CLUSTER_NAME } from '../names';
import type { StageAcl } from './acls';

/**
 * A stage's Kafka identity: a KafkaUser authenticating like the cluster's listeners (SCRAM-SHA-512 or mTLS)
 * with exactly the stage's ACLs (`acls.ts`). The User Operator writes its credentials to a Secret of the same
 * name in the Kafka namespace, which the runner and KEDA's scaler use.
 */
export function stageKafkaUser(
  name: string,
  args: {
    objectName: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    clientAuthentication: ClientAuthentication;
    acls: StageAcl[];
  },
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaUser',
      metadata: {
        name: args.objectName,
        namespace: args.namespace,
        labels: { ...args.labels, 'strimzi.io/cluster': KAFKA_CLUSTER_NAME },
        // Ready means the credentials Secret exists: the runner's pods mount it.
        annotations: { 'pulumi.com/waitFor': 'condition=Ready' },
      },
      spec: {
        authentication: { type: LISTENER_AUTHENTICATION[args.clientAuthentication] },
        authorization: { type: 'simple', acls: args.acls },
      },
    },
    opts,
  );
}
