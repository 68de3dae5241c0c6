import * as pulumi from '@pulumi/pulumi';
import { catalogFor } from '@streamplane/deployment-spec';
import { KAFKA_NODE_LABEL, KAFKA_NODE_ROLE_LABEL, KAFKA_NODE_TAINT, ZONE_LABEL } from '../cloud/kafka-nodes';
import { recordingMocks, type RecordedResource } from '../cloud/mock-recorder';
import {
  buildUnderMocks,
  byId,
  makeAwsSpec,
  ofType,
  programTags,
  resolve,
  TEST_DEPLOYMENT_ID,
  type BuiltProgram,
} from '../cloud/testing';
import type { CloudClusterArgs } from '../types';
import { awsMockCallResult, awsMockResourceState, MOCK_AWS_ACCOUNT_ID } from './mocks';

// Mocks first, then the component (the documented order for Pulumi unit tests).
const recording = recordingMocks(awsMockResourceState, awsMockCallResult);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'test', false);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AwsKafkaCluster } = require('./cluster') as typeof import('./cluster');
type Cluster = InstanceType<typeof AwsKafkaCluster>;

const T = {
  vpc: 'aws:ec2/vpc:Vpc',
  subnet: 'aws:ec2/subnet:Subnet',
  nat: 'aws:ec2/natGateway:NatGateway',
  eip: 'aws:ec2/eip:Eip',
  routeTable: 'aws:ec2/routeTable:RouteTable',
  association: 'aws:ec2/routeTableAssociation:RouteTableAssociation',
  securityGroup: 'aws:ec2/securityGroup:SecurityGroup',
  ingressRule: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  launchTemplate: 'aws:ec2/launchTemplate:LaunchTemplate',
  key: 'aws:kms/key:Key',
  alias: 'aws:kms/alias:Alias',
  role: 'aws:iam/role:Role',
  attachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  oidc: 'aws:iam/openIdConnectProvider:OpenIdConnectProvider',
  cluster: 'aws:eks/cluster:Cluster',
  nodeGroup: 'aws:eks/nodeGroup:NodeGroup',
  addon: 'aws:eks/addon:Addon',
} as const;

/** Types AWS cannot tag: an association, a policy attachment, a KMS alias. */
const UNTAGGABLE = new Set<string>([T.association, T.attachment, T.alias]);

function build(args: Partial<CloudClusterArgs> = {}): Promise<BuiltProgram<Cluster>> {
  const spec = args.spec ?? makeAwsSpec();
  return buildUnderMocks(
    recording,
    () =>
      new AwsKafkaCluster('kafka', {
        deploymentId: TEST_DEPLOYMENT_ID,
        spec,
        tags: programTags(spec),
        ...args,
      }),
  );
}

const zoneOf = (resources: RecordedResource[], subnetId: unknown) =>
  byId(resources, subnetId).inputs.availabilityZone as string;
const kafkaGroups = (resources: RecordedResource[]) =>
  ofType(resources, T.nodeGroup).filter(
    (group) =>
      (group.inputs.labels as Record<string, string>)[KAFKA_NODE_LABEL.key] === KAFKA_NODE_LABEL.value,
  );

describe('AwsKafkaCluster', () => {
  const spec = makeAwsSpec({ brokers: 4, controllers: 5 });
  let built: BuiltProgram<Cluster>;
  let resources: RecordedResource[];

  beforeAll(async () => {
    built = await build({ spec, apiServerAllowedCidrs: ['198.51.100.0/24'] });
    resources = built.resources;
  });

  it('builds the VPC over three distinct zones, a public and a private subnet in each', () => {
    expect(new Set(spec.zones).size).toBe(3);
    const subnets = ofType(resources, T.subnet);
    expect(subnets).toHaveLength(6);
    for (const zone of spec.zones) {
      const inZone = subnets.filter((subnet) => subnet.inputs.availabilityZone === zone);
      expect(
        inZone
          .map((subnet) => Boolean((subnet.inputs.tags as Record<string, string>)['kubernetes.io/role/elb']))
          .sort(),
      ).toEqual([false, true]);
    }
    expect(subnets.every((subnet) => subnet.inputs.mapPublicIpOnLaunch === false)).toBe(true);
    expect(ofType(resources, T.vpc)[0].inputs).toMatchObject({
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });
  });

  it('gives each zone its own NAT gateway (with an Elastic IP) and routes each private subnet through its own zone', () => {
    const nats = ofType(resources, T.nat);
    expect(nats).toHaveLength(3);
    expect(new Set(nats.map((nat) => zoneOf(resources, nat.inputs.subnetId)))).toEqual(new Set(spec.zones));
    expect(new Set(nats.map((nat) => nat.inputs.allocationId)).size).toBe(3);
    expect(
      ofType(resources, T.eip)
        .map((eip) => eip.id)
        .sort(),
    ).toEqual(nats.map((nat) => nat.inputs.allocationId).sort());

    const privateSubnets = ofType(resources, T.subnet).filter(
      (subnet) => (subnet.inputs.tags as Record<string, string>)['kubernetes.io/role/internal-elb'] === '1',
    );
    expect(privateSubnets).toHaveLength(3);
    for (const subnet of privateSubnets) {
      const association = ofType(resources, T.association).find(
        (candidate) => candidate.inputs.subnetId === subnet.id,
      )!;
      const routes = byId(resources, association.inputs.routeTableId).inputs.routes as Record<
        string,
        string
      >[];
      expect(routes).toEqual([expect.objectContaining({ cidrBlock: '0.0.0.0/0' })]);
      const nat = byId(resources, routes[0].natGatewayId);
      expect(zoneOf(resources, nat.inputs.subnetId)).toBe(subnet.inputs.availabilityZone);
    }
  });

  it('spreads the Kafka node groups one per zone and role, labelled and tainted for Kafka, sized from the spec', () => {
    const groups = kafkaGroups(resources);
    expect(groups).toHaveLength(6);
    const controllerSize = catalogFor('aws').controllerPool.nodeSize;
    const byZone = new Map<string, { brokers: number; controllers: number }>();
    for (const group of groups) {
      const subnetIds = group.inputs.subnetIds as string[];
      expect(subnetIds).toHaveLength(1);
      const zone = zoneOf(resources, subnetIds[0]);
      const role = (group.inputs.labels as Record<string, string>)[KAFKA_NODE_ROLE_LABEL.key];
      const scaling = group.inputs.scalingConfig as Record<string, number>;
      expect(scaling.minSize).toBe(scaling.desiredSize);
      expect(scaling.maxSize).toBe(scaling.desiredSize);
      expect(group.inputs.taints).toEqual([
        { key: KAFKA_NODE_TAINT.key, value: KAFKA_NODE_TAINT.value, effect: 'NO_SCHEDULE' },
      ]);
      const counts = byZone.get(zone) ?? { brokers: 0, controllers: 0 };
      if (role === KAFKA_NODE_ROLE_LABEL.brokers) {
        expect(group.inputs.instanceTypes).toEqual([spec.nodeSize]);
        counts.brokers += scaling.desiredSize;
      } else {
        expect(role).toBe(KAFKA_NODE_ROLE_LABEL.controllers);
        expect(group.inputs.instanceTypes).toEqual([controllerSize]);
        counts.controllers += scaling.desiredSize;
      }
      byZone.set(zone, counts);
    }
    // 4 brokers and 5 controllers over three zones: one node per Kafka pod, the remainder in the first zones.
    expect(Object.fromEntries(byZone)).toEqual({
      'eu-west-1a': { brokers: 2, controllers: 2 },
      'eu-west-1b': { brokers: 1, controllers: 2 },
      'eu-west-1c': { brokers: 1, controllers: 1 },
    });
  });

  it('runs an untainted system node group over all three zones', () => {
    const system = ofType(resources, T.nodeGroup).filter((group) => !kafkaGroups(resources).includes(group));
    expect(system).toHaveLength(1);
    const zones = (system[0].inputs.subnetIds as string[]).map((id) => zoneOf(resources, id));
    expect(new Set(zones)).toEqual(new Set(spec.zones));
    expect(system[0].inputs.taints ?? []).toEqual([]);
    expect(system[0].inputs.scalingConfig).toMatchObject({
      desiredSize: catalogFor('aws').systemPool.nodeCount,
    });
    expect(system[0].inputs.instanceTypes).toEqual([catalogFor('aws').systemPool.nodeSize]);
  });

  it('encrypts secrets, node root volumes and Kafka volumes with the deployment KMS key', async () => {
    const [key] = ofType(resources, T.key);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true });
    const [alias] = ofType(resources, T.alias);
    expect(alias.inputs.targetKeyId).toBe(key.state.keyId);

    const [cluster] = ofType(resources, T.cluster);
    expect(cluster.inputs.encryptionConfig).toEqual({
      resources: ['secrets'],
      provider: { keyArn: key.state.arn },
    });

    const [template] = ofType(resources, T.launchTemplate);
    expect(template.inputs.blockDeviceMappings).toEqual([
      expect.objectContaining({
        ebs: expect.objectContaining({ encrypted: 'true', kmsKeyId: key.state.arn, volumeType: 'gp3' }),
      }),
    ]);
    for (const group of ofType(resources, T.nodeGroup)) {
      expect(group.inputs.launchTemplate).toEqual({ id: template.id, version: '1' });
    }

    expect(built.result.outputs.kafkaStorage).toEqual({
      provisioner: 'ebs.csi.aws.com',
      parameters: expect.objectContaining({ type: 'gp3', encrypted: 'true', kmsKeyId: alias.inputs.name }),
    });
    await expect(resolve(built.result.outputs.clusterName)).resolves.toBe(cluster.id);
  });

  it('lets the EBS CSI driver (and Auto Scaling, for root volumes) use the key, by the roles the program creates', () => {
    const [key] = ofType(resources, T.key);
    const policy = JSON.parse(key.inputs.policy as string) as { Statement: Record<string, any>[] };
    const principals = policy.Statement.map(
      (statement) => statement.Condition?.ArnEquals?.['aws:PrincipalArn'],
    );
    const csiRole = ofType(resources, T.role).find(
      (role) => role.inputs.name === 'streamplane-3f2c9a1e-ebs-csi',
    )!;
    expect(principals).toContain(csiRole.state.arn);
    expect(principals).toContain(
      `arn:aws:iam::${MOCK_AWS_ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    );
    // The account keeps administering the key (otherwise the policy could never be changed again).
    expect(policy.Statement[0]).toMatchObject({
      Principal: { AWS: `arn:aws:iam::${MOCK_AWS_ACCOUNT_ID}:root` },
    });
  });

  it('opens no security group to the internet; the API is public only to the allowed CIDRs', () => {
    const groups = ofType(resources, T.securityGroup);
    const rules = ofType(resources, T.ingressRule);
    expect(rules.length).toBeGreaterThan(0);
    for (const group of groups) {
      for (const rule of (group.inputs.ingress as Record<string, unknown>[] | undefined) ?? []) {
        expect(rule.cidrBlocks ?? []).not.toContain('0.0.0.0/0');
        expect(rule.ipv6CidrBlocks ?? []).not.toContain('::/0');
      }
    }
    for (const rule of rules) {
      expect(rule.inputs.cidrIpv4).not.toBe('0.0.0.0/0');
      expect(rule.inputs.cidrIpv6).not.toBe('::/0');
      expect(rule.inputs.ipProtocol).not.toBe('-1');
    }
    const [cluster] = ofType(resources, T.cluster);
    expect(cluster.inputs.vpcConfig).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ['198.51.100.0/24'],
    });
    // The control plane and the nodes live in the private subnets only.
    const privateZones = (cluster.inputs.vpcConfig as { subnetIds: string[] }).subnetIds.map(
      (id) => (byId(resources, id).inputs.tags as Record<string, string>)['kubernetes.io/role/internal-elb'],
    );
    expect(privateZones).toEqual(['1', '1', '1']);
    const [template] = ofType(resources, T.launchTemplate);
    expect(template.inputs.metadataOptions).toMatchObject({
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
    });
  });

  it('tags every resource with the deployment id, spec tags and managed-by, instances and their volumes included', () => {
    const tagged = resources.filter((resource) => !UNTAGGABLE.has(resource.type));
    expect(tagged.length).toBeGreaterThan(30);
    for (const resource of tagged) {
      expect({ resource: resource.name, tags: resource.inputs.tags }).toEqual({
        resource: resource.name,
        tags: expect.objectContaining({
          'streamplane:deployment-id': TEST_DEPLOYMENT_ID,
          'streamplane:managed-by': 'streamplane',
          team: 'payments',
        }),
      });
    }
    const [template] = ofType(resources, T.launchTemplate);
    const specs = template.inputs.tagSpecifications as {
      resourceType: string;
      tags: Record<string, string>;
    }[];
    expect(specs.map((tagSpec) => tagSpec.resourceType).sort()).toEqual([
      'instance',
      'network-interface',
      'volume',
    ]);
    expect(specs.every((tagSpec) => tagSpec.tags['streamplane:deployment-id'] === TEST_DEPLOYMENT_ID)).toBe(
      true,
    );
    expect(built.result.outputs.kafkaStorage.parameters.tagSpecification_1).toBe(
      `streamplane:deployment-id=${TEST_DEPLOYMENT_ID}`,
    );
  });

  it('gives roles only the minimal AWS managed policies and no inline policy', () => {
    const policiesOf = (roleName: string) =>
      ofType(resources, T.attachment)
        .filter((attachment) => attachment.inputs.role === roleName)
        .map((attachment) => attachment.inputs.policyArn)
        .sort();
    expect(policiesOf('streamplane-3f2c9a1e-cluster')).toEqual([
      'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
    ]);
    expect(policiesOf('streamplane-3f2c9a1e-node')).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
    expect(policiesOf('streamplane-3f2c9a1e-ebs-csi')).toEqual([
      'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
    ]);
    expect(resources.some((resource) => resource.type === 'aws:iam/rolePolicy:RolePolicy')).toBe(false);
    expect(
      ofType(resources, T.role).every((role) => (role.inputs.name as string).startsWith('streamplane-')),
    ).toBe(true);
  });

  it('runs the EBS CSI add-on with an IRSA role only its controller service account can assume', () => {
    const [cluster] = ofType(resources, T.cluster);
    const [oidc] = ofType(resources, T.oidc);
    const issuer = (cluster.state.identities as { oidcs: { issuer: string }[] }[])[0].oidcs[0].issuer;
    expect(oidc.inputs).toMatchObject({ url: issuer, clientIdLists: ['sts.amazonaws.com'] });

    const addon = ofType(resources, T.addon).find((a) => a.inputs.addonName === 'aws-ebs-csi-driver')!;
    const role = ofType(resources, T.role).find(
      (candidate) => candidate.state.arn === addon.inputs.serviceAccountRoleArn,
    )!;
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as { Statement: Record<string, any>[] };
    const host = issuer.replace('https://', '');
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: oidc.state.arn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${host}:sub`]: 'system:serviceaccount:kube-system:ebs-csi-controller-sa',
            [`${host}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ]);
    expect(addon.inputs.addonName).toBe('aws-ebs-csi-driver');
    expect(JSON.parse(addon.inputs.configurationValues as string)).toEqual({
      node: { tolerateAllTaints: true },
    });
  });

  it('has the VPC CNI enforce NetworkPolicies (the Kafka namespace relies on them)', () => {
    const cni = ofType(resources, T.addon).find((a) => a.inputs.addonName === 'vpc-cni');
    expect(cni).toBeDefined();
    expect(JSON.parse(cni!.inputs.configurationValues as string)).toEqual({ enableNetworkPolicy: 'true' });
  });

  it('pins the Kubernetes version and uses access entries with the creator as admin', () => {
    const [cluster] = ofType(resources, T.cluster);
    expect(cluster.inputs).toMatchObject({
      version: '1.35',
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
      upgradePolicy: { supportType: 'STANDARD' },
      enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
    });
    for (const group of ofType(resources, T.nodeGroup)) expect(group.inputs.version).toBe('1.35');
  });

  it('hands the platform a secret kubeconfig that gets tokens from aws eks get-token, and the node contract', async () => {
    const { outputs } = built.result;
    await expect(pulumi.isSecret(outputs.kubeconfig)).resolves.toBe(true);
    const kubeconfig = JSON.parse(await resolve(outputs.kubeconfig)) as Record<string, any>;
    const [cluster] = ofType(resources, T.cluster);
    expect(kubeconfig.clusters[0].cluster).toEqual({
      server: cluster.state.endpoint,
      'certificate-authority-data': (cluster.state.certificateAuthority as { data: string }).data,
    });
    expect(kubeconfig.users[0].user.exec).toMatchObject({
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', cluster.id, '--region', 'eu-west-1', '--output', 'json'],
    });
    expect(outputs.kafkaNodeLabel).toEqual(KAFKA_NODE_LABEL);
    expect(outputs.kafkaNodeTaint).toEqual(KAFKA_NODE_TAINT);
    expect(outputs.kafkaNodeRoleLabel).toEqual(KAFKA_NODE_ROLE_LABEL);
    expect(outputs.zoneLabel).toBe(ZONE_LABEL);
  });

  it('puts every regional resource in the spec region', () => {
    const global = new Set<string>([T.role, T.attachment, T.oidc]);
    for (const resource of resources.filter((candidate) => !global.has(candidate.type))) {
      expect({ name: resource.name, region: resource.inputs.region }).toEqual({
        name: resource.name,
        region: 'eu-west-1',
      });
    }
  });
});

describe('AwsKafkaCluster without allowed API CIDRs', () => {
  it('leaves the public endpoint open to any address (IAM still authenticates every request)', async () => {
    const { resources } = await build();
    const [cluster] = ofType(resources, T.cluster);
    expect(cluster.inputs.vpcConfig).toMatchObject({ publicAccessCidrs: ['0.0.0.0/0'] });
  });
});

describe('AwsKafkaCluster on Graviton', () => {
  it('picks the ARM image for Graviton broker nodes only', async () => {
    const { resources } = await build({ spec: makeAwsSpec({ nodeSize: 'r7g.xlarge' }) });
    const amiByRole = new Map(
      kafkaGroups(resources).map((group) => [
        (group.inputs.labels as Record<string, string>)[KAFKA_NODE_ROLE_LABEL.key],
        group.inputs.amiType,
      ]),
    );
    expect(Object.fromEntries(amiByRole)).toEqual({
      broker: 'AL2023_ARM_64_STANDARD',
      controller: 'AL2023_x86_64_STANDARD',
    });
  });
});

describe('AwsKafkaCluster input checks', () => {
  it('refuses a spec for another cloud', () => {
    expect(
      () =>
        new AwsKafkaCluster('wrong', {
          deploymentId: TEST_DEPLOYMENT_ID,
          spec: makeAwsSpec({ cloud: 'azure' }),
          tags: {},
        }),
    ).toThrow("AwsKafkaCluster got a spec for cloud 'azure'");
  });
});
