import * as pulumi from '@pulumi/pulumi';
import * as kms from '@pulumi/aws/kms';
import { deploymentKeyPolicy } from './key-policy';

export interface DeploymentKeyArgs {
  region: string;
  partition: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  /** Who runs the program (`sts:GetCallerIdentity` ARN): the key's policy lets this principal manage it. */
  deployerArn: pulumi.Input<string>;
  aliasName: string;
  ebsCsiRoleName: string;
  tags: Record<string, string>;
}

/**
 * One customer-managed KMS key per deployment: it envelope-encrypts Kubernetes secrets (EKS) and encrypts
 * every EBS volume (node root volumes and Kafka volumes). A key of the customer's account, rotated yearly;
 * deleting the deployment schedules its deletion after the 30-day waiting period, not at once.
 */
export class DeploymentKey extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;
  readonly aliasName: string;

  constructor(name: string, args: DeploymentKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:aws:DeploymentKey', name, {}, opts);
    const policy = pulumi
      .all([args.partition, args.accountId, args.deployerArn])
      .apply(([partition, accountId, deployerArn]) =>
        JSON.stringify(
          deploymentKeyPolicy({
            partition,
            accountId,
            deployerArn,
            region: args.region,
            ebsCsiRoleName: args.ebsCsiRoleName,
          }),
        ),
      );
    const key = new kms.Key(
      `${name}-key`,
      {
        region: args.region,
        description: `Streamplane deployment ${args.aliasName}: Kubernetes secrets and EBS volumes`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy,
        tags: args.tags,
      },
      { parent: this },
    );
    new kms.Alias(
      `${name}-alias`,
      { region: args.region, name: args.aliasName, targetKeyId: key.keyId },
      { parent: this },
    );
    this.keyArn = key.arn;
    this.aliasName = args.aliasName;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
