import { RESOURCE_NAME_PREFIX } from '../cloud/naming';
import { MANAGED_BY_VALUE, STREAMPLANE_TAG_KEYS } from '../cloud/tags';
import type { PolicyDocument, PolicyStatement } from './policy-document';
import { AWS_MANAGED_POLICIES, managedPolicyArn } from './managed-policies';

/**
 * The AWS permissions Streamplane's role needs in the customer's account, derived from what the program
 * creates: every resource type (and invoke) `AwsKafkaCluster` registers has an entry below with the actions
 * Pulumi's AWS provider calls to create, read, update and delete it. `permissions.spec.ts` builds the
 * component under mocks and fails when this table and the program disagree in either direction.
 *
 * Actions are placed in scopes: statements that fix which resources they apply to and under which
 * condition. The principle: the role may create the kinds of resources the program creates, but may change
 * or delete only its own: those tagged `streamplane:managed-by=streamplane`, or, where AWS allows scoping by
 * name (IAM roles, EKS clusters, log groups), those named `streamplane-*`.
 */

const PREFIX = `${RESOURCE_NAME_PREFIX}-`;
const OWNED_BY_TAG = {
  StringEquals: { [`aws:ResourceTag/${STREAMPLANE_TAG_KEYS.managedBy}`]: MANAGED_BY_VALUE },
};
const REQUESTS_OWNED_TAG = {
  StringEquals: { [`aws:RequestTag/${STREAMPLANE_TAG_KEYS.managedBy}`]: MANAGED_BY_VALUE },
};

/** Actions granted so far, by scope name. */
type GrantedActions = Partial<Record<string, readonly string[]>>;

interface Scope {
  sid: string;
  resources: (partition: string) => string[];
  condition?: (partition: string, granted: GrantedActions) => PolicyStatement['Condition'];
}

const SCOPES = {
  ec2Read: { sid: 'Ec2Read', resources: () => ['*'] },
  // Creating a subnet, route table or security group is also authorised against the VPC it goes into, which
  // carries no request tags: creation cannot be tag-conditioned without failing. Creating harms nothing;
  // everything that changes or deletes an existing resource below requires the Streamplane tag.
  ec2Create: { sid: 'Ec2CreateNetworkAndTemplates', resources: () => ['*'] },
  ec2TagOnCreate: {
    sid: 'Ec2TagWhatItCreates',
    resources: () => ['*'],
    condition: (_partition, granted) => ({ StringEquals: { 'ec2:CreateAction': createActions(granted) } }),
  },
  ec2ManageOwned: { sid: 'Ec2ManageOwnResources', resources: () => ['*'], condition: () => OWNED_BY_TAG },
  // A security group rule is a resource of its own, and a new or AWS-created default rule carries no tags;
  // the group it belongs to must still be Streamplane's (Ec2ManageOwnResources).
  ec2SecurityGroupRules: {
    sid: 'Ec2RulesOfOwnSecurityGroups',
    resources: (p) => [`arn:${p}:ec2:*:*:security-group-rule/*`],
  },
  // EKS checks that the caller may launch instances from a node group's launch template: only from
  // Streamplane's templates, and every other resource of the launch only through a template.
  ec2LaunchTemplate: {
    sid: 'Ec2LaunchFromOwnTemplates',
    resources: (p) => [`arn:${p}:ec2:*:*:launch-template/*`],
    condition: () => OWNED_BY_TAG,
  },
  ec2LaunchResources: {
    sid: 'Ec2LaunchOnlyThroughTemplates',
    resources: (p) =>
      ['instance', 'volume', 'network-interface', 'subnet', 'security-group']
        .map((kind) => `arn:${p}:ec2:*:*:${kind}/*`)
        .concat(`arn:${p}:ec2:*::image/*`),
    condition: (p) => ({ ArnLike: { 'ec2:LaunchTemplate': `arn:${p}:ec2:*:*:launch-template/*` } }),
  },
  eksRead: { sid: 'EksRead', resources: () => ['*'] },
  eksManage: {
    sid: 'EksManageStreamplaneClusters',
    resources: (p) => ['cluster', 'nodegroup', 'addon'].map((kind) => `arn:${p}:eks:*:*:${kind}/${PREFIX}*`),
  },
  iamRoles: { sid: 'IamManageStreamplaneRoles', resources: (p) => [`arn:${p}:iam::*:role/${PREFIX}*`] },
  iamAttachPolicies: {
    sid: 'IamAttachOnlyListedManagedPolicies',
    resources: (p) => [`arn:${p}:iam::*:role/${PREFIX}*`],
    condition: (p) => ({
      ArnEquals: {
        'iam:PolicyARN': Object.values(AWS_MANAGED_POLICIES).map((policy) => managedPolicyArn(p, policy)),
      },
    }),
  },
  iamPassRole: {
    sid: 'IamPassStreamplaneRolesToEks',
    resources: (p) => [`arn:${p}:iam::*:role/${PREFIX}*`],
    condition: () => ({ StringEquals: { 'iam:PassedToService': 'eks.amazonaws.com' } }),
  },
  iamOidcProviders: {
    sid: 'IamManageEksOidcProviders',
    resources: (p) => [`arn:${p}:iam::*:oidc-provider/oidc.eks.*.amazonaws.com/id/*`],
  },
  iamServiceLinkedRoles: {
    sid: 'IamCreateEksServiceLinkedRoles',
    resources: (p) => [`arn:${p}:iam::*:role/aws-service-role/*`],
    condition: () => ({
      StringEquals: { 'iam:AWSServiceName': ['eks.amazonaws.com', 'eks-nodegroup.amazonaws.com'] },
    }),
  },
  // KMS authorisation by tag cannot be relied on: tagging a key at creation needs kms:TagResource on every key,
  // so the role could tag a customer's key as its own. Nothing here depends on KMS tags, and nothing here
  // lets the role use, change or delete an existing key: the deployment key's own policy grants that to
  // the role that created it (see `deploymentKeyPolicy`).
  kmsCreate: { sid: 'KmsCreateKeys', resources: () => ['*'], condition: () => REQUESTS_OWNED_TAG },
  kmsList: { sid: 'KmsList', resources: () => ['*'] },
  // The key side of an alias operation is authorised by the key's policy.
  kmsAliases: { sid: 'KmsManageStreamplaneAliases', resources: (p) => [`arn:${p}:kms:*:*:alias/${PREFIX}*`] },
  logsRead: { sid: 'LogsRead', resources: () => ['*'] },
  logsManage: {
    sid: 'LogsManageEksLogGroups',
    resources: (p) => [`arn:${p}:logs:*:*:log-group:/aws/eks/${PREFIX}*`],
  },
} satisfies Record<string, Scope>;

export type AwsPermissionScope = keyof typeof SCOPES;
type Grants = Partial<Record<AwsPermissionScope, readonly string[]>>;

const TAGS = ['ec2:CreateTags', 'ec2:DeleteTags'];
const EKS_TAGS = ['eks:TagResource', 'eks:UntagResource', 'eks:ListTagsForResource', 'eks:DescribeUpdate'];

/** What each type the program uses needs, by Pulumi type token (resources) or invoke token. */
export const AWS_PERMISSIONS_BY_TYPE: Readonly<Record<string, Grants>> = {
  'aws:ec2/vpc:Vpc': {
    ec2Read: [
      'ec2:DescribeVpcs',
      'ec2:DescribeVpcAttribute',
      // The provider reads the VPC's default route table, network ACL and security group.
      'ec2:DescribeRouteTables',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeSecurityGroups',
    ],
    ec2Create: ['ec2:CreateVpc'],
    ec2ManageOwned: ['ec2:DeleteVpc', 'ec2:ModifyVpcAttribute', ...TAGS],
  },
  'aws:ec2/subnet:Subnet': {
    ec2Read: ['ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces'],
    ec2Create: ['ec2:CreateSubnet'],
    ec2ManageOwned: ['ec2:DeleteSubnet', 'ec2:ModifySubnetAttribute', ...TAGS],
  },
  'aws:ec2/internetGateway:InternetGateway': {
    ec2Read: ['ec2:DescribeInternetGateways'],
    ec2Create: ['ec2:CreateInternetGateway'],
    ec2ManageOwned: [
      'ec2:AttachInternetGateway',
      'ec2:DetachInternetGateway',
      'ec2:DeleteInternetGateway',
      ...TAGS,
    ],
  },
  'aws:ec2/eip:Eip': {
    ec2Read: ['ec2:DescribeAddresses', 'ec2:DescribeAddressesAttribute'],
    ec2Create: ['ec2:AllocateAddress'],
    ec2ManageOwned: ['ec2:ReleaseAddress', 'ec2:DisassociateAddress', ...TAGS],
  },
  'aws:ec2/natGateway:NatGateway': {
    ec2Read: ['ec2:DescribeNatGateways'],
    ec2Create: ['ec2:CreateNatGateway'],
    ec2ManageOwned: ['ec2:DeleteNatGateway', ...TAGS],
  },
  'aws:ec2/routeTable:RouteTable': {
    ec2Read: ['ec2:DescribeRouteTables'],
    ec2Create: ['ec2:CreateRouteTable'],
    ec2ManageOwned: [
      'ec2:DeleteRouteTable',
      'ec2:CreateRoute',
      'ec2:ReplaceRoute',
      'ec2:DeleteRoute',
      ...TAGS,
    ],
  },
  'aws:ec2/routeTableAssociation:RouteTableAssociation': {
    ec2Read: ['ec2:DescribeRouteTables'],
    ec2ManageOwned: [
      'ec2:AssociateRouteTable',
      'ec2:DisassociateRouteTable',
      'ec2:ReplaceRouteTableAssociation',
    ],
  },
  'aws:ec2/securityGroup:SecurityGroup': {
    ec2Read: [
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeNetworkInterfaces',
    ],
    ec2Create: ['ec2:CreateSecurityGroup'],
    // The provider revokes the default allow-all egress rule right after creating a group.
    ec2ManageOwned: [
      'ec2:DeleteSecurityGroup',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
      ...TAGS,
    ],
    ec2SecurityGroupRules: ['ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress'],
  },
  'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': {
    ec2Read: ['ec2:DescribeSecurityGroupRules'],
    ec2ManageOwned: [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:ModifySecurityGroupRules',
      'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
      ...TAGS,
    ],
    ec2SecurityGroupRules: [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:ModifySecurityGroupRules',
      'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
    ],
  },
  'aws:ec2/launchTemplate:LaunchTemplate': {
    ec2Read: ['ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions'],
    ec2Create: ['ec2:CreateLaunchTemplate'],
    ec2ManageOwned: [
      'ec2:CreateLaunchTemplateVersion',
      'ec2:ModifyLaunchTemplate',
      'ec2:DeleteLaunchTemplate',
      'ec2:DeleteLaunchTemplateVersions',
      ...TAGS,
    ],
  },
  'aws:kms/key:Key': {
    // Everything else on the key (reading it, rotation, its policy, deletion) the key policy grants.
    kmsCreate: ['kms:CreateKey', 'kms:TagResource'],
  },
  'aws:kms/alias:Alias': {
    kmsList: ['kms:ListAliases'],
    kmsAliases: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
  },
  'aws:cloudwatch/logGroup:LogGroup': {
    logsRead: ['logs:DescribeLogGroups'],
    logsManage: [
      'logs:CreateLogGroup',
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:TagResource',
      'logs:UntagResource',
      'logs:ListTagsForResource',
    ],
  },
  'aws:iam/role:Role': {
    iamRoles: [
      'iam:CreateRole',
      'iam:GetRole',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateAssumeRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:ListRoleTags',
      // Deleting a role first lists (and detaches) what is attached to it.
      'iam:ListRolePolicies',
      'iam:ListAttachedRolePolicies',
      'iam:ListInstanceProfilesForRole',
      'iam:DeleteRole',
    ],
  },
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment': {
    iamRoles: ['iam:ListAttachedRolePolicies'],
    iamAttachPolicies: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
  },
  'aws:iam/openIdConnectProvider:OpenIdConnectProvider': {
    iamOidcProviders: [
      'iam:CreateOpenIDConnectProvider',
      'iam:GetOpenIDConnectProvider',
      'iam:TagOpenIDConnectProvider',
      'iam:UntagOpenIDConnectProvider',
      'iam:ListOpenIDConnectProviderTags',
      'iam:AddClientIDToOpenIDConnectProvider',
      'iam:RemoveClientIDFromOpenIDConnectProvider',
      'iam:UpdateOpenIDConnectProviderThumbprint',
      'iam:DeleteOpenIDConnectProvider',
    ],
  },
  'aws:eks/cluster:Cluster': {
    ec2Read: ['ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs'],
    eksManage: [
      'eks:CreateCluster',
      'eks:DescribeCluster',
      'eks:UpdateClusterConfig',
      'eks:UpdateClusterVersion',
      'eks:AssociateEncryptionConfig',
      'eks:DeleteCluster',
      ...EKS_TAGS,
    ],
    iamPassRole: ['iam:PassRole'],
    iamServiceLinkedRoles: ['iam:CreateServiceLinkedRole'],
  },
  'aws:eks/nodeGroup:NodeGroup': {
    ec2Read: ['ec2:DescribeSubnets', 'ec2:DescribeLaunchTemplateVersions'],
    ec2LaunchTemplate: ['ec2:RunInstances'],
    ec2LaunchResources: ['ec2:RunInstances'],
    eksManage: [
      'eks:CreateNodegroup',
      'eks:DescribeNodegroup',
      'eks:UpdateNodegroupConfig',
      'eks:UpdateNodegroupVersion',
      'eks:DeleteNodegroup',
      ...EKS_TAGS,
    ],
    iamPassRole: ['iam:PassRole'],
    iamServiceLinkedRoles: ['iam:CreateServiceLinkedRole'],
  },
  'aws:eks/addon:Addon': {
    eksRead: ['eks:DescribeAddonVersions', 'eks:DescribeAddonConfiguration'],
    eksManage: ['eks:CreateAddon', 'eks:DescribeAddon', 'eks:UpdateAddon', 'eks:DeleteAddon', ...EKS_TAGS],
    iamPassRole: ['iam:PassRole'],
  },
  // Invokes. sts:GetCallerIdentity needs no permission; the partition is answered by the provider itself.
  'aws:index/getCallerIdentity:getCallerIdentity': {},
  'aws:index/getPartition:getPartition': {},
};

/** The `ec2:CreateAction`s whose resources may be tagged as they are created. */
function createActions(granted: GrantedActions): string[] {
  const creating = [
    ...(granted.ec2Create ?? []),
    ...(granted.ec2LaunchTemplate ?? []),
    ...(granted.ec2SecurityGroupRules ?? []).filter((action) => action.startsWith('ec2:Authorize')),
  ];
  return unique(creating.map((action) => action.replace(/^ec2:/, '')));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function grantsOf(types: readonly string[]): Grants {
  const grants: Partial<Record<AwsPermissionScope, string[]>> = {};
  for (const type of types) {
    const entry = AWS_PERMISSIONS_BY_TYPE[type];
    if (!entry) throw new Error(`no AWS permissions known for ${type}`);
    for (const [scope, actions] of Object.entries(entry) as [AwsPermissionScope, readonly string[]][]) {
      grants[scope] = unique([...(grants[scope] ?? []), ...actions]);
    }
  }
  if (grants.ec2Create || grants.ec2LaunchTemplate) grants.ec2TagOnCreate = ['ec2:CreateTags'];
  return grants;
}

export interface AwsPermissionPolicyOptions {
  /** `aws` unless the customer's account is in GovCloud (`aws-us-gov`) or China (`aws-cn`). */
  partition?: string;
}

/**
 * The permission policy the customer gives Streamplane's role: one statement per scope, actions sorted, so
 * the document is stable and reviewable. It fits an inline role policy (10,240 characters); for customer-
 * managed policies (6,144 characters each) use `awsManagedPolicyDocuments`.
 */
export function awsPermissionPolicy(options: AwsPermissionPolicyOptions = {}): PolicyDocument {
  const partition = options.partition ?? 'aws';
  const grants = grantsOf(Object.keys(AWS_PERMISSIONS_BY_TYPE));
  const statements: PolicyStatement[] = [];
  for (const [scope, definition] of Object.entries(SCOPES) as [AwsPermissionScope, Scope][]) {
    const actions = grants[scope];
    if (!actions?.length) continue;
    const resources = definition.resources(partition);
    const condition = definition.condition?.(partition, grants);
    statements.push({
      Sid: definition.sid,
      Effect: 'Allow',
      Action: actions.length === 1 ? actions[0] : [...actions],
      Resource: resources.length === 1 ? resources[0] : resources,
      ...(condition ? { Condition: condition } : {}),
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** IAM's size limit of a customer-managed policy, in characters without whitespace. */
export const AWS_MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * The same permissions as `awsPermissionPolicy`, split into as few documents as fit the managed-policy
 * size limit (statements are kept whole and in order), for customers who attach managed policies.
 */
export function awsManagedPolicyDocuments(options: AwsPermissionPolicyOptions = {}): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  for (const statement of awsPermissionPolicy(options).Statement) {
    const current = documents.at(-1);
    if (
      current &&
      policySize({ ...current, Statement: [...current.Statement, statement] }) <= AWS_MANAGED_POLICY_MAX_CHARS
    ) {
      current.Statement.push(statement);
    } else {
      documents.push({ Version: '2012-10-17', Statement: [statement] });
    }
  }
  return documents;
}

/** How IAM counts a policy's size: characters, whitespace excluded. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

const ACCOUNT_ID = /^\d{12}$/;
// What AWS accepts in an external id: 2-1224 characters of [\w+=,.@:/-].
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * The trust policy of Streamplane's role in the customer's account: Streamplane's account may assume it,
 * only with the customer's external id (which stops another Streamplane customer from pointing Streamplane
 * at this role: the confused-deputy problem).
 */
export function awsTrustPolicy(
  streamplaneAccountId: string,
  externalId: string,
  partition = 'aws',
): PolicyDocument {
  if (!ACCOUNT_ID.test(streamplaneAccountId)) {
    throw new Error(`'${streamplaneAccountId}' is not an AWS account id (12 digits)`);
  }
  if (!EXTERNAL_ID.test(externalId)) {
    throw new Error('an external id has 2 to 1224 letters, digits or + = , . @ : / - _');
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'StreamplaneAssumesWithExternalId',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${streamplaneAccountId}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  };
}
