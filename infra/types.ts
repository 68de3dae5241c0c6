import type * as pulumi from '@pulumi/pulumi';
import type { DeploymentSpec } from '@streamplane/deployment-spec';

/** Everything the infra program needs for one deployment. Secrets arrive as Pulumi secrets. */
export interface ProgramInput {
  /** Streamplane's deployment id (uuid); used in names and tags so resources can be traced back. */
  deploymentId: string;
  spec: DeploymentSpec;
  agent: {
    /** Container image of the Streamplane agent, pinned by digest or tag. */
    image: string;
    /** Where the agent reports (the api's public URL). */
    controlPlaneUrl: string;
    /** The deployment's agent token (secret). */
    token: pulumi.Input<string>;
  };
}

/** What a cloud component (AKS or EKS) hands to the Kubernetes side. */
export interface ClusterOutputs {
  clusterName: pulumi.Output<string>;
  /** Kubeconfig for the cluster (secret output). */
  kubeconfig: pulumi.Output<string>;
  /** StorageClass for Kafka volumes: encrypted at rest, zone-bound (WaitForFirstConsumer). */
  kafkaStorageClass: pulumi.Output<string>;
  /** Node label and taint that mark the Kafka pool; Kafka pods select and tolerate them. */
  kafkaNodeLabel: { key: string; value: string };
  kafkaNodeTaint: { key: string; value: string; effect: 'NoSchedule' };
  /** The label whose values are the zones (rack awareness): `topology.kubernetes.io/zone`. */
  zoneLabel: string;
}

/** The program's stack outputs. */
export interface ProgramOutputs {
  clusterName: string;
  bootstrapInternal: string;
  /** Null when the external listener is off. */
  bootstrapExternal: string | null;
  grafanaUrl: string;
  kubeconfig: string;
}
