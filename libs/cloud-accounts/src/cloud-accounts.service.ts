import { Inject, Injectable } from '@nestjs/common';
import { AuditLogService, type Actor } from '@streamplane/audit';
import { actorOf, type Principal } from '@streamplane/auth';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { CloudAccountStatus, CloudProvider, Prisma, PrismaService, type CloudAccount } from '@streamplane/db';
import { parseInput } from '@streamplane/errors';
import { CredentialCipher } from '@streamplane/secrets';
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ConnectAwsInput,
  ConnectAzureInput,
  parseAwsRoleArn,
  UpdateInput,
  type ConnectAwsAccountInput,
  type ConnectAzureAccountInput,
  type UpdateCloudAccountInput,
} from './cloud-account.inputs';
import { CloudAccountError, CloudAccountErrorCode } from './cloud-accounts.errors';
import { recordCloudSessions } from './cloud-session-audit';
import { openAzureClientSecret } from './crypto/azure-client-secret';
import { cloudAccountSecretContext } from './crypto/cloud-account-secret-context';
import { cloudAccountGrant, type CloudAccountGrant } from './grants/cloud-account-grant';
import {
  CLOUD_ACCOUNT_VERIFIER,
  type CloudAccountVerifier,
  type VerificationResult,
  type VerificationTarget,
} from './verification/cloud-account-verifier';

/** Every query that hands an account to a caller leaves the ciphertext behind. */
const WITHOUT_SECRET = { secretCiphertext: true, secretKeyId: true } as const;

/** A cloud account as callers see it: identifiers and state, never secret material. */
export type CloudAccountView = Omit<CloudAccount, keyof typeof WITHOUT_SECRET>;

/** A per-account external id: 128 random bits, shaped as AWS allows (`[\w+=,.@:/-]`). */
export function newExternalId(): string {
  return `streamplane-${randomBytes(16).toString('hex')}`;
}

@Injectable()
export class CloudAccountsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
    private readonly cipher: CredentialCipher,
    @Inject(CLOUD_ACCOUNT_VERIFIER) private readonly verifier: CloudAccountVerifier,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  list(orgId: string): Promise<CloudAccountView[]> {
    return this.prisma.cloudAccount.findMany({
      where: { orgId },
      omit: WITHOUT_SECRET,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  async get(orgId: string, cloudAccountId: string): Promise<CloudAccountView> {
    parseInput(z.uuid(), cloudAccountId);
    const account = await this.prisma.cloudAccount.findFirst({
      where: { id: cloudAccountId, orgId },
      omit: WITHOUT_SECRET,
    });
    if (!account) throw notFound();
    return account;
  }

  /** What the customer must grant Streamplane for this account (documents and steps). */
  grantFor(account: CloudAccountView): CloudAccountGrant {
    return cloudAccountGrant(account, this.config.cloud.aws.streamplaneAccountId);
  }

  /**
   * Registers an AWS role. Streamplane generates the external id here, once per account; the answer's
   * grant holds the trust policy (with that id) and the permission policy the customer then sets up.
   */
  async connectAws(principal: Principal, raw: ConnectAwsAccountInput): Promise<CloudAccountView> {
    const input = parseInput(ConnectAwsInput, raw);
    const awsAccountId = parseAwsRoleArn(input.roleArn)!.accountId;
    return this.create(principal, input.name, {
      provider: CloudProvider.AWS,
      allowedRegions: input.allowedRegions,
      awsAccountId,
      awsRoleArn: input.roleArn,
      awsExternalId: newExternalId(),
    });
  }

  /** Registers an Azure service principal; its client secret is sealed to the new account's id at once. */
  async connectAzure(principal: Principal, raw: ConnectAzureAccountInput): Promise<CloudAccountView> {
    const input = parseInput(ConnectAzureInput, raw);
    return this.create(principal, input.name, (id) => {
      const sealed = this.cipher.encrypt(
        input.clientSecret,
        cloudAccountSecretContext(id, 'azure-client-secret'),
      );
      return {
        provider: CloudProvider.AZURE,
        allowedRegions: input.allowedRegions,
        azureTenantId: input.tenantId,
        azureClientId: input.clientId,
        azureSubscriptionId: input.subscriptionId,
        azureResourceGroup: input.resourceGroup ?? null,
        secretCiphertext: Buffer.from(sealed.ciphertext),
        secretKeyId: sealed.keyId,
      };
    });
  }

  /** Renames an account or changes its regions. Identity and credentials never change in place. */
  async update(
    principal: Principal,
    cloudAccountId: string,
    raw: UpdateCloudAccountInput,
  ): Promise<CloudAccountView> {
    parseInput(z.uuid(), cloudAccountId);
    return this.withNameCheck(() =>
      this.prisma.$transaction(async (tx) => {
        const account = await this.lock(tx, principal.orgId, cloudAccountId);
        const input = parseInput(UpdateInput[account.provider], raw);
        const name = input.name ?? account.name;
        const allowedRegions = input.allowedRegions ?? account.allowedRegions;
        const renamed = name !== account.name;
        const regionsChanged = allowedRegions.join(',') !== account.allowedRegions.join(',');
        if (!renamed && !regionsChanged) {
          return tx.cloudAccount.findUniqueOrThrow({ where: { id: account.id }, omit: WITHOUT_SECRET });
        }
        // Hook for deployments: narrowing the regions must not strand a deployment in a removed region.
        const updated = await tx.cloudAccount.update({
          where: { id: account.id },
          data: { name, allowedRegions },
          omit: WITHOUT_SECRET,
        });
        await this.audit.record(tx, actorOf(principal), {
          action: 'cloud_account.update',
          targetType: 'CloudAccount',
          targetId: account.id,
          metadata: {
            ...(renamed ? { fromName: account.name, toName: name } : {}),
            ...(regionsChanged ? { allowedRegions: allowedRegions.join(',') } : {}),
          },
        });
        return updated;
      }),
    );
  }

  /**
   * Checks the account against its cloud (or, under the local engine, its shape) and records the outcome:
   * status, when, and what to fix. The cloud is called outside any transaction; the outcome, each session
   * opened in the customer's cloud, and the attempt itself are then written together.
   */
  async verify(principal: Principal, cloudAccountId: string): Promise<CloudAccountView> {
    parseInput(z.uuid(), cloudAccountId);
    const account = await this.prisma.cloudAccount.findFirst({
      where: { id: cloudAccountId, orgId: principal.orgId },
    });
    if (!account) throw notFound();
    const result = await this.verifier.verify(
      this.targetOf(account),
      AbortSignal.timeout(this.config.cloud.verifyTimeoutSeconds * 1000),
    );
    const checkedAt = new Date();
    const updated = await this.prisma.$transaction(async (tx) => {
      await this.recordVerification(tx, actorOf(principal), account.id, result);
      // Deleted while the cloud was being asked: the attempt stays in the audit log, the answer is NOT_FOUND.
      const current = await tx.cloudAccount.findFirst({ where: { id: account.id, orgId: principal.orgId } });
      if (!current) return null;
      return tx.cloudAccount.update({
        where: { id: account.id },
        data: {
          status: result.ok ? CloudAccountStatus.VERIFIED : CloudAccountStatus.FAILED,
          verificationSimulated: result.simulated,
          checkedAt,
          ...(result.ok ? { verifiedAt: checkedAt } : {}),
          failureCode: result.ok ? null : result.code,
          failureReason: result.ok ? null : result.reason.slice(0, 1000),
        },
        omit: WITHOUT_SECRET,
      });
    });
    if (!updated) throw notFound();
    return updated;
  }

  /** Deletes the account and its sealed credentials; refused while a deployment uses it. */
  async delete(principal: Principal, cloudAccountId: string): Promise<CloudAccountView> {
    parseInput(z.uuid(), cloudAccountId);
    return this.prisma.$transaction(async (tx) => {
      const account = await this.lock(tx, principal.orgId, cloudAccountId);
      const users = await this.deploymentsUsing(tx, account);
      if (users.length > 0) {
        throw new CloudAccountError(
          CloudAccountErrorCode.CLOUD_ACCOUNT_IN_USE,
          `${account.name} is used by ${users.length} deployment(s) (${users.slice(0, 5).join(', ')}). ` +
            'Destroy them first.',
        );
      }
      const deleted = await tx.cloudAccount
        .delete({ where: { id: account.id }, omit: WITHOUT_SECRET })
        .catch((error: unknown) => {
          // Only destroyed deployments are left, and their history keeps the account (ON DELETE RESTRICT).
          if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003') {
            throw new CloudAccountError(
              CloudAccountErrorCode.CLOUD_ACCOUNT_IN_USE,
              `${account.name} is referenced by destroyed deployments and is kept for their history.`,
            );
          }
          throw error;
        });
      await this.audit.record(tx, actorOf(principal), {
        action: 'cloud_account.delete',
        targetType: 'CloudAccount',
        targetId: account.id,
        metadata: { provider: account.provider, name: account.name },
      });
      return deleted;
    });
  }

  /**
   * The names of this account's deployments that are not DESTROYED. createDeployment holds the account row
   * `FOR SHARE` while it inserts, and `lock()` holds it `FOR UPDATE` here, so the two cannot race. Destroyed
   * deployments keep their row (history); the foreign key (ON DELETE RESTRICT) still refuses the delete
   * then, reported as CLOUD_ACCOUNT_IN_USE by `delete`.
   */
  private async deploymentsUsing(tx: Prisma.TransactionClient, account: CloudAccount): Promise<string[]> {
    const rows = await tx.deployment.findMany({
      where: { cloudAccountId: account.id, status: { not: 'DESTROYED' } },
      select: { name: true },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((row) => row.name);
  }

  private async create(
    principal: Principal,
    name: string,
    fields:
      | Omit<Prisma.CloudAccountUncheckedCreateInput, 'id' | 'orgId' | 'name'>
      | ((id: string) => Omit<Prisma.CloudAccountUncheckedCreateInput, 'id' | 'orgId' | 'name'>),
  ): Promise<CloudAccountView> {
    // The id is chosen here, not by the database: an Azure secret is sealed to it before the row exists.
    const id = randomUUID();
    const data = typeof fields === 'function' ? fields(id) : fields;
    return this.withNameCheck(() =>
      this.prisma.$transaction(async (tx) => {
        const created = await tx.cloudAccount.create({
          data: { ...data, id, orgId: principal.orgId, name },
          omit: WITHOUT_SECRET,
        });
        await this.audit.record(tx, actorOf(principal), {
          action: 'cloud_account.connect',
          targetType: 'CloudAccount',
          targetId: id,
          metadata: {
            provider: created.provider,
            name,
            regions: created.allowedRegions.join(','),
            ...(created.provider === CloudProvider.AWS
              ? { awsAccountId: created.awsAccountId, roleArn: created.awsRoleArn }
              : {
                  tenantId: created.azureTenantId,
                  clientId: created.azureClientId,
                  subscriptionId: created.azureSubscriptionId,
                  resourceGroup: created.azureResourceGroup,
                }),
          },
        });
        return created;
      }),
    );
  }

  private async recordVerification(
    tx: Prisma.TransactionClient,
    actor: Actor,
    cloudAccountId: string,
    result: VerificationResult,
  ): Promise<void> {
    await recordCloudSessions(this.audit, tx, actor, cloudAccountId, result.sessions, { purpose: 'verify' });
    await this.audit.record(tx, actor, {
      action: 'cloud_account.verify',
      targetType: 'CloudAccount',
      targetId: cloudAccountId,
      metadata: {
        outcome: result.ok ? CloudAccountStatus.VERIFIED : CloudAccountStatus.FAILED,
        simulated: result.simulated,
        failureCode: result.ok ? null : result.code,
      },
    });
  }

  /** What the verifier needs; the Azure secret is opened here, for this call only. */
  private targetOf(account: CloudAccount): VerificationTarget {
    switch (account.provider) {
      case CloudProvider.AWS:
        return {
          provider: 'AWS',
          cloudAccountId: account.id,
          accountId: account.awsAccountId!,
          roleArn: account.awsRoleArn!,
          externalId: account.awsExternalId!,
        };
      case CloudProvider.AZURE:
        return {
          provider: 'AZURE',
          cloudAccountId: account.id,
          tenantId: account.azureTenantId!,
          clientId: account.azureClientId!,
          clientSecret: openAzureClientSecret(this.cipher, account),
          subscriptionId: account.azureSubscriptionId!,
          resourceGroup: account.azureResourceGroup,
        };
    }
  }

  /** The account, locked for this transaction; NOT_FOUND when it is not this organization's. */
  private async lock(
    tx: Prisma.TransactionClient,
    orgId: string,
    cloudAccountId: string,
  ): Promise<CloudAccount> {
    await tx.$queryRaw`SELECT id FROM cloud_accounts WHERE id = ${cloudAccountId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
    const account = await tx.cloudAccount.findFirst({ where: { id: cloudAccountId, orgId } });
    if (!account) throw notFound();
    return account;
  }

  private async withNameCheck<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new CloudAccountError(
          CloudAccountErrorCode.CLOUD_ACCOUNT_NAME_TAKEN,
          'This organization already has a cloud account with that name.',
        );
      }
      throw error;
    }
  }
}

function notFound(): CloudAccountError {
  return new CloudAccountError(
    CloudAccountErrorCode.CLOUD_ACCOUNT_NOT_FOUND,
    'No such cloud account in this organization.',
  );
}
