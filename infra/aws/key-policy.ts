import type { PolicyDocument } from './policy-document';

// Re-exported: libs/cloud-accounts imports the document type from here.
export type { PolicyDocument, PolicyStatement } from './policy-document';

export interface DeploymentKeyPolicyArgs {
  partition: string;
  accountId: string;
  region: string;
  /** ARN of whoever runs the program (`sts:GetCallerIdentity`): Streamplane's role, assumed. */
  deployerArn: string;
  /** The EBS CSI driver's IRSA role, by name: it does not exist yet when the key is created. */
  ebsCsiRoleName: string;
}

const USE_KEY = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const GRANT = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];

/**
 * What the Streamplane role may do to the deployment key, granted here rather than in its IAM policy (which
 * holds no KMS permission on existing keys): what Pulumi's provider calls to read, update and delete a
 * `aws:kms/key:Key` and to point the `aws:kms/alias:Alias` at it.
 */
export const DEPLOYER_KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListResourceTags',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:PutKeyPolicy',
  'kms:UpdateKeyDescription',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
];

/**
 * The IAM principal ARN(s) `aws:PrincipalArn` takes for a caller: an assumed role's session is matched by its
 * role, with or without a path (the caller identity does not reveal the path).
 */
export function deployerPrincipalArns(partition: string, callerArn: string): string[] {
  const assumedRole = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (!assumedRole) return [callerArn];
  const [, accountId, roleName] = assumedRole;
  const roles = `arn:${partition}:iam::${accountId}:role`;
  return [`${roles}/${roleName}`, `${roles}/*/${roleName}`];
}

/**
 * The policy of the deployment's KMS key (Kubernetes secrets envelope encryption, EBS volumes).
 *
 * - The account administers the key through IAM (AWS's default statement; without it nobody could ever
 *   change the policy again).
 * - The Streamplane role (whoever runs the program) manages this key, and lets EKS (secrets encryption at
 *   cluster creation) and EC2 (node groups' encrypted root volumes) use it on its behalf. It gets this here,
 *   for this key only, because KMS tags cannot safely scope an IAM policy (see the AWS permission policy).
 * - The EBS CSI driver's role encrypts the Kafka volumes it creates. It is named by ARN condition rather than
 *   as principal because KMS rejects principals that do not exist yet, and the role is created after the key
 *   (role → OIDC provider → cluster → key). `kms:ViaService` keeps its use to EBS through EC2.
 * - EC2 Auto Scaling's service-linked role launches the node groups' instances, whose root volumes are
 *   encrypted with this key; without this statement instances fail to launch (Client.InternalError).
 */
export function deploymentKeyPolicy(args: DeploymentKeyPolicyArgs): PolicyDocument {
  const iam = `arn:${args.partition}:iam::${args.accountId}`;
  const byRole = (roleArn: string) => ({
    ArnEquals: { 'aws:PrincipalArn': roleArn },
    StringEquals: { 'kms:CallerAccount': args.accountId },
  });
  const csiRole = `${iam}:role/${args.ebsCsiRoleName}`;
  const autoScalingRole = `${iam}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
  const viaEc2 = { StringEquals: { 'kms:ViaService': `ec2.${args.region}.amazonaws.com` } };
  const byDeployer = {
    ArnLike: { 'aws:PrincipalArn': deployerPrincipalArns(args.partition, args.deployerArn) },
    StringEquals: { 'kms:CallerAccount': args.accountId },
  };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministersKeyThroughIam',
        Effect: 'Allow',
        Principal: { AWS: `${iam}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'StreamplaneRoleManagesKey',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: DEPLOYER_KEY_ADMIN_ACTIONS,
        Resource: '*',
        Condition: byDeployer,
      },
      {
        Sid: 'StreamplaneRoleGrantsKeyToEksAndEc2',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:CreateGrant'],
        Resource: '*',
        Condition: { ...byDeployer, Bool: { 'kms:GrantIsForAWSResource': true } },
      },
      {
        Sid: 'StreamplaneRoleUsesKeyThroughEksAndEc2',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: USE_KEY,
        Resource: '*',
        Condition: {
          ...byDeployer,
          StringEquals: {
            ...byDeployer.StringEquals,
            'kms:ViaService': [`ec2.${args.region}.amazonaws.com`, `eks.${args.region}.amazonaws.com`],
          },
        },
      },
      {
        Sid: 'EbsCsiDriverEncryptsVolumes',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: USE_KEY,
        Resource: '*',
        Condition: mergeConditions(byRole(csiRole), viaEc2),
      },
      {
        Sid: 'EbsCsiDriverGrantsToEc2',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: GRANT,
        Resource: '*',
        Condition: { ...byRole(csiRole), Bool: { 'kms:GrantIsForAWSResource': true } },
      },
      {
        Sid: 'AutoScalingEncryptsNodeVolumes',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: USE_KEY,
        Resource: '*',
        Condition: byRole(autoScalingRole),
      },
      {
        Sid: 'AutoScalingGrantsToEc2',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:CreateGrant'],
        Resource: '*',
        Condition: { ...byRole(autoScalingRole), Bool: { 'kms:GrantIsForAWSResource': true } },
      },
    ],
  };
}

type Condition = Record<string, Record<string, string | string[]>>;

function mergeConditions(...conditions: Condition[]): Condition {
  const merged: Condition = {};
  for (const condition of conditions) {
    for (const [operator, values] of Object.entries(condition)) {
      merged[operator] = { ...merged[operator], ...values };
    }
  }
  return merged;
}
