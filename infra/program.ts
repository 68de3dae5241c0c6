import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Cloud } from '@streamplane/deployment-spec';
import { AwsKafkaCluster } from './aws/cluster';
import { AzureKafkaCluster } from './azure/cluster';
import { streamplaneTags } from './cloud/tags';
import { KafkaPlatform } from './platform/platform';
import type { CloudClusterArgs, ClusterOutputs, ProgramInput, ProgramOutputs } from './types';

/** The program's stack outputs as Pulumi outputs (the Automation API resolves them into `ProgramOutputs`). */
export type ProgramOutputValues = { [K in keyof ProgramOutputs]: pulumi.Output<ProgramOutputs[K]> };

function cloudCluster(cloud: Cloud, name: string, args: CloudClusterArgs): { outputs: ClusterOutputs } {
  switch (cloud) {
    case 'azure':
      return new AzureKafkaCluster(name, args);
    case 'aws':
      return new AwsKafkaCluster(name, args);
    default: {
      const unknown: never = cloud;
      throw new Error(`Unknown cloud: ${String(unknown)}`);
    }
  }
}

/**
 * The inline Pulumi program for one deployment, for the Automation API (`LocalWorkspace` with `program`) and
 * for the local engine (the same function under runtime mocks). It only wires components: the cloud's
 * Kubernetes cluster, a Kubernetes provider for exactly that cluster, and the Kafka platform on it.
 *
 * Logical names come from the deployment name, which the spec keeps fixed after creation, so resource URNs
 * never change under a running deployment.
 */
export function deploymentProgram(input: ProgramInput): () => Promise<ProgramOutputValues> {
  return () => {
    const { deploymentId, spec } = input;
    // The spec's tags plus Streamplane's own (under its reserved `streamplane` prefix).
    const tags = { ...spec.tags, ...streamplaneTags(deploymentId) };
    const cluster = cloudCluster(spec.cloud, spec.name, { deploymentId, spec, tags });

    // Explicit, never the ambient kubeconfig: every Kubernetes object goes to this deployment's cluster.
    const provider = new k8s.Provider(`${spec.name}-k8s`, { kubeconfig: cluster.outputs.kubeconfig });
    const platform = new KafkaPlatform(
      `${spec.name}-platform`,
      {
        deploymentId,
        spec,
        cluster: cluster.outputs,
        agent: input.agent,
        kafkaMetadataVersion: input.kafkaMetadataVersion,
        pipelines: input.pipelines,
        replication: input.replication,
      },
      { provider },
    );

    return Promise.resolve({
      clusterName: cluster.outputs.clusterName,
      bootstrapInternal: platform.bootstrapInternal,
      bootstrapExternal: platform.bootstrapExternal,
      grafanaUrl: platform.grafanaUrl,
      kubeconfig: pulumi.secret(cluster.outputs.kubeconfig),
      kafkaMetadataVersion: pulumi.output(platform.kafkaMetadataVersion),
      kafkaExternalCaCert: platform.kafkaExternalCaCert,
    });
  };
}
