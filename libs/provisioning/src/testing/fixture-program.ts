import * as pulumi from '@pulumi/pulumi';
import type { ProgramInput } from '@streamplane/infra';
import type { DeploymentSpec } from '@streamplane/deployment-spec';

/**
 * A small stand-in for the infra program, shaped like it: components with `{ parent: this }`, cloud
 * resources that take each other's outputs, a Kubernetes provider built from the cluster's kubeconfig, and
 * Kubernetes objects that depend on a Helm release. Plain `CustomResource`s with the real type tokens, so it
 * loads in milliseconds (no cloud SDK) and exercises the mock state of the real types.
 *
 * Graph (per cloud): network → subnets (one per zone) → cluster → node pools (one per zone);
 * kubeconfig → provider → namespace → operator release → Kafka → external bootstrap service.
 */
export function fixtureProgram(input: ProgramInput): () => Promise<Record<string, pulumi.Output<unknown>>> {
  return () => Promise.resolve(buildFixture(input));
}

function buildFixture(input: ProgramInput): Record<string, pulumi.Output<unknown>> {
  const cluster = new FixtureCluster('kafka', { spec: input.spec, deploymentId: input.deploymentId });
  const platform = new FixturePlatform('platform', {
    kubeconfig: cluster.kubeconfig,
    spec: input.spec,
    token: input.agent.token,
  });
  return {
    clusterName: cluster.clusterName,
    bootstrapInternal: platform.bootstrapInternal,
    bootstrapExternal: platform.bootstrapExternal,
    grafanaUrl: pulumi.interpolate`https://${platform.bootstrapExternal.apply((b) => (b ?? '').split(':')[0])}/grafana`,
    kubeconfig: pulumi.secret(cluster.kubeconfig),
  };
}

/** The fixture without its platform: a program from which the platform was removed. */
export function fixtureClusterOnlyProgram(
  input: ProgramInput,
): () => Promise<Record<string, pulumi.Output<unknown>>> {
  return () => {
    const cluster = new FixtureCluster('kafka', { spec: input.spec, deploymentId: input.deploymentId });
    return Promise.resolve({ clusterName: cluster.clusterName });
  };
}

interface ClusterArgs {
  spec: DeploymentSpec;
  deploymentId: string;
}

class FixtureCluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:fixture:Cluster', name, {}, opts);
    const { spec } = args;
    const tags = { ...spec.tags, 'streamplane-deployment': args.deploymentId };
    if (spec.cloud === 'azure') {
      const group = new SimResource(
        'azure-native:resources:ResourceGroup',
        `${name}-rg`,
        { location: spec.region, tags, name: undefined },
        { parent: this },
      );
      const groupName = group.out('name');
      const vnet = new SimResource(
        'azure-native:network:VirtualNetwork',
        `${name}-vnet`,
        {
          resourceGroupName: groupName,
          location: spec.region,
          addressSpace: { addressPrefixes: ['10.40.0.0/16'] },
          name: undefined,
        },
        { parent: this },
      );
      const subnet = new SimResource(
        'azure-native:network:Subnet',
        `${name}-nodes`,
        { resourceGroupName: groupName, virtualNetworkName: vnet.out('name'), addressPrefix: '10.40.0.0/20' },
        { parent: this },
      );
      const aks = new SimResource(
        'azure-native:containerservice:ManagedCluster',
        `${name}-aks`,
        {
          resourceGroupName: groupName,
          dnsPrefix: spec.name,
          agentPoolProfiles: [
            {
              name: 'system',
              mode: 'System',
              count: 3,
              vnetSubnetID: subnet.id,
              availabilityZones: spec.zones,
            },
          ],
          name: undefined,
          fqdn: undefined,
        },
        { parent: this },
      );
      spec.zones.forEach((zone) => {
        new SimResource(
          'azure-native:containerservice:AgentPool',
          `${name}-kafka-${zone}`,
          {
            resourceGroupName: groupName,
            resourceName: aks.out('name'),
            availabilityZones: [zone],
            vmSize: spec.nodeSize,
            count: 1,
          },
          { parent: this },
        );
      });
      this.clusterName = aks.out('name');
      this.kubeconfig = pulumi.interpolate`apiVersion: v1\nclusters:\n- cluster:\n    server: https://${aks.out('fqdn')}:443\n`;
    } else {
      const vpc = new SimResource(
        'aws:ec2/vpc:Vpc',
        `${name}-vpc`,
        { cidrBlock: '10.40.0.0/16', tags },
        { parent: this },
      );
      const subnets = spec.zones.map(
        (zone, i) =>
          new SimResource(
            'aws:ec2/subnet:Subnet',
            `${name}-private-${zone}`,
            { vpcId: vpc.id, availabilityZone: zone, cidrBlock: `10.40.${i * 16}.0/20`, tags },
            { parent: this },
          ),
      );
      const role = new SimResource(
        'aws:iam/role:Role',
        `${name}-cluster-role`,
        { assumeRolePolicy: '{}', arn: undefined },
        { parent: this },
      );
      const eks = new SimResource(
        'aws:eks/cluster:Cluster',
        `${name}-eks`,
        {
          roleArn: role.out('arn'),
          vpcConfig: { subnetIds: subnets.map((s) => s.id) },
          endpoint: undefined,
          name: undefined,
        },
        { parent: this },
      );
      spec.zones.forEach((zone, i) => {
        new SimResource(
          'aws:eks/nodeGroup:NodeGroup',
          `${name}-kafka-${zone}`,
          { clusterName: eks.out('name'), subnetIds: [subnets[i].id], instanceTypes: [spec.nodeSize] },
          { parent: this },
        );
      });
      this.clusterName = eks.out('name');
      this.kubeconfig = pulumi.interpolate`apiVersion: v1\nclusters:\n- cluster:\n    server: ${eks.out('endpoint')}\n`;
    }
    this.registerOutputs({ clusterName: this.clusterName });
  }
}

interface PlatformArgs {
  kubeconfig: pulumi.Output<string>;
  spec: DeploymentSpec;
  token: pulumi.Input<string>;
}

class FixturePlatform extends pulumi.ComponentResource {
  readonly bootstrapInternal: pulumi.Output<string>;
  readonly bootstrapExternal: pulumi.Output<string | null>;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:fixture:Platform', name, {}, opts);
    const provider = new KubernetesProvider(`${name}-k8s`, { kubeconfig: args.kubeconfig }, { parent: this });
    const namespace = new SimResource(
      'kubernetes:core/v1:Namespace',
      `${name}-kafka-ns`,
      { metadata: { name: 'kafka' } },
      { parent: this, provider },
    );
    const operator = new SimResource(
      'kubernetes:helm.sh/v3:Release',
      `${name}-strimzi`,
      {
        chart: 'strimzi-kafka-operator',
        version: '1.2.0',
        namespace: namespace.out<{ name: string }>('metadata').apply((m) => m.name),
        name: 'strimzi',
      },
      { parent: this, provider },
    );
    new SimResource(
      'kubernetes:core/v1:Secret',
      `${name}-agent-token`,
      { metadata: { name: 'agent-token', namespace: 'kafka' }, stringData: { token: args.token } },
      { parent: this, provider, dependsOn: [namespace] },
    );
    const listeners = [
      { name: 'tls', port: 9093, type: 'internal', tls: true },
      ...(args.spec.listeners.external
        ? [{ name: 'external', port: 9094, type: 'loadbalancer', tls: true }]
        : []),
    ];
    const kafka = new SimResource(
      'kubernetes:kafka.strimzi.io/v1:Kafka',
      `${name}-kafka`,
      {
        metadata: { name: args.spec.name, namespace: 'kafka' },
        spec: { kafka: { version: args.spec.kafkaVersion, listeners } },
        status: undefined,
      },
      { parent: this, provider, dependsOn: [operator] },
    );
    const status = kafka.out<{ listeners: { name: string; bootstrapServers: string }[] }>('status');
    this.bootstrapInternal = status.apply(
      (s) => s.listeners.find((l) => l.name === 'tls')?.bootstrapServers ?? '',
    );
    this.bootstrapExternal = status.apply(
      (s) => s.listeners.find((l) => l.name === 'external')?.bootstrapServers ?? null,
    );
    this.registerOutputs({ bootstrapInternal: this.bootstrapInternal });
  }
}

/** A provider resource of a given type token, its properties readable by name. */
class SimResource extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }

  out<T = string>(key: string): pulumi.Output<T> {
    return (this as unknown as Record<string, pulumi.Output<T>>)[key];
  }
}

class KubernetesProvider extends pulumi.ProviderResource {
  constructor(name: string, props: pulumi.Inputs, opts?: pulumi.ResourceOptions) {
    super('kubernetes', name, props, opts);
  }
}
