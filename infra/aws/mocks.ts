import { createHash } from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';

/**
 * Realistic state for the AWS resources and invokes the program uses, for Pulumi's runtime mocks: the ids,
 * ARNs and computed attributes AWS would return (formats as documented, values derived from the resource's
 * name so repeated runs give the same outputs). Used by the unit tests and the local engine.
 */
export const MOCK_AWS_ACCOUNT_ID = '123456789012';
const DEFAULT_REGION = 'eu-west-1';

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function awsMockResourceState(args: pulumi.runtime.MockResourceArgs): {
  id: string;
  state: Record<string, unknown>;
} {
  const inputs = args.inputs as Record<string, unknown>;
  const seed = `${args.type}/${args.name}`;
  const region = text(inputs.region) ?? DEFAULT_REGION;
  const physicalName = text(inputs.name) ?? `${args.name}-${hex(seed, 7)}`;
  const arn = (service: string, resource: string, scope = `${region}:${MOCK_AWS_ACCOUNT_ID}`) =>
    `arn:aws:${service}:${scope}:${resource}`;
  const ec2 = (prefix: string, kind: string) => {
    const id = `${prefix}-${hex(seed, 17)}`;
    return { id, state: { ...inputs, id, arn: arn('ec2', `${kind}/${id}`), ownerId: MOCK_AWS_ACCOUNT_ID } };
  };

  switch (args.type) {
    case 'aws:ec2/vpc:Vpc': {
      const vpc = ec2('vpc', 'vpc');
      return {
        id: vpc.id,
        state: {
          ...vpc.state,
          defaultSecurityGroupId: `sg-${hex(`${seed}/default-sg`, 17)}`,
          mainRouteTableId: `rtb-${hex(`${seed}/main-rtb`, 17)}`,
          defaultNetworkAclId: `acl-${hex(`${seed}/default-acl`, 17)}`,
        },
      };
    }
    case 'aws:ec2/subnet:Subnet': {
      const subnet = ec2('subnet', 'subnet');
      return { id: subnet.id, state: { ...subnet.state, availabilityZoneId: `euw1-az${hex(seed, 1)}` } };
    }
    case 'aws:ec2/internetGateway:InternetGateway':
      return ec2('igw', 'internet-gateway');
    case 'aws:ec2/eip:Eip': {
      const allocationId = `eipalloc-${hex(seed, 17)}`;
      const publicIp = `203.0.113.${parseInt(hex(seed, 2), 16) % 250}`;
      return {
        id: allocationId,
        state: { ...inputs, allocationId, publicIp, arn: arn('ec2', `elastic-ip/${allocationId}`) },
      };
    }
    case 'aws:ec2/natGateway:NatGateway': {
      const nat = ec2('nat', 'natgateway');
      return { id: nat.id, state: { ...nat.state, privateIp: '10.64.96.10', publicIp: '203.0.113.10' } };
    }
    case 'aws:ec2/routeTable:RouteTable':
      return ec2('rtb', 'route-table');
    case 'aws:ec2/routeTableAssociation:RouteTableAssociation': {
      const id = `rtbassoc-${hex(seed, 17)}`;
      return { id, state: { ...inputs, id } };
    }
    case 'aws:ec2/securityGroup:SecurityGroup':
      return ec2('sg', 'security-group');
    case 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': {
      const rule = ec2('sgr', 'security-group-rule');
      return { id: rule.id, state: { ...rule.state, securityGroupRuleId: rule.id } };
    }
    case 'aws:ec2/launchTemplate:LaunchTemplate': {
      const template = ec2('lt', 'launch-template');
      return { id: template.id, state: { ...template.state, latestVersion: 1, defaultVersion: 1 } };
    }
    case 'aws:kms/key:Key': {
      const keyId = `${hex(seed, 8)}-${hex(seed, 4)}-4${hex(seed, 3)}-a${hex(seed, 3)}-${hex(seed, 12)}`;
      return { id: keyId, state: { ...inputs, keyId, arn: arn('kms', `key/${keyId}`) } };
    }
    case 'aws:kms/alias:Alias':
      return { id: physicalName, state: { ...inputs, arn: arn('kms', physicalName), targetKeyArn: '' } };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { id: physicalName, state: { ...inputs, arn: arn('logs', `log-group:${physicalName}`) } };
    case 'aws:iam/role:Role':
      return {
        id: physicalName,
        state: {
          ...inputs,
          name: physicalName,
          arn: arn('iam', `role/${physicalName}`, `:${MOCK_AWS_ACCOUNT_ID}`),
          uniqueId: `AROA${hex(seed, 17).toUpperCase()}`,
        },
      };
    case 'aws:iam/rolePolicyAttachment:RolePolicyAttachment':
      return { id: `${text(inputs.role) ?? args.name}-${hex(seed, 20)}`, state: { ...inputs } };
    case 'aws:iam/openIdConnectProvider:OpenIdConnectProvider': {
      const url = (text(inputs.url) ?? '').replace(/^https:\/\//, '');
      const providerArn = arn('iam', `oidc-provider/${url}`, `:${MOCK_AWS_ACCOUNT_ID}`);
      return { id: providerArn, state: { ...inputs, arn: providerArn } };
    }
    case 'aws:eks/cluster:Cluster': {
      const endpointId = hex(seed, 32).toUpperCase();
      return {
        id: physicalName,
        state: {
          ...inputs,
          name: physicalName,
          arn: arn('eks', `cluster/${physicalName}`),
          endpoint: `https://${endpointId}.gr7.${region}.eks.amazonaws.com`,
          certificateAuthority: {
            data: Buffer.from(`-----BEGIN CERTIFICATE-----\n${hex(seed, 64)}\n`).toString('base64'),
          },
          identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${endpointId}` }] }],
          vpcConfig: {
            ...(inputs.vpcConfig as Record<string, unknown>),
            clusterSecurityGroupId: `sg-${hex(`${seed}/cluster-sg`, 17)}`,
          },
          platformVersion: 'eks.1',
          status: 'ACTIVE',
        },
      };
    }
    case 'aws:eks/nodeGroup:NodeGroup': {
      const clusterName = text(inputs.clusterName) ?? 'cluster';
      const nodeGroupName = text(inputs.nodeGroupName) ?? physicalName;
      return {
        id: `${clusterName}:${nodeGroupName}`,
        state: {
          ...inputs,
          nodeGroupName,
          arn: arn('eks', `nodegroup/${clusterName}/${nodeGroupName}/${hex(seed, 8)}`),
          status: 'ACTIVE',
          resources: [{ autoscalingGroups: [{ name: `eks-${nodeGroupName}-${hex(seed, 8)}` }] }],
        },
      };
    }
    case 'aws:eks/addon:Addon': {
      const clusterName = text(inputs.clusterName) ?? 'cluster';
      const addonName = text(inputs.addonName) ?? args.name;
      return {
        id: `${clusterName}:${addonName}`,
        state: {
          ...inputs,
          addonVersion: 'v1.50.0-eksbuild.1',
          arn: arn('eks', `addon/${clusterName}/${addonName}/${hex(seed, 8)}`),
        },
      };
    }
    default:
      throw new Error(`no AWS mock state for resource type ${args.type} (${args.name})`);
  }
}

export function awsMockCallResult(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  switch (args.token) {
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return {
        accountId: MOCK_AWS_ACCOUNT_ID,
        arn: `arn:aws:sts::${MOCK_AWS_ACCOUNT_ID}:assumed-role/streamplane-deployer/provisioner`,
        userId: 'AROAEXAMPLEROLEID:provisioner',
        id: MOCK_AWS_ACCOUNT_ID,
      };
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws', id: 'aws' };
    default:
      throw new Error(`no AWS mock result for invoke ${args.token}`);
  }
}
