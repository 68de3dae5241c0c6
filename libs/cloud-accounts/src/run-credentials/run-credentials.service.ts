import { Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { ActorType, CloudProvider, PrismaService, type CloudAccount } from '@streamplane/db';
import {
  ProvisioningError,
  ProvisioningErrorCode,
  type AzureCredentials,
  type CloudCredentials,
} from '@streamplane/provisioning';
import { CredentialCipher, CredentialDecryptionError } from '@streamplane/secrets';
import { AwsRoleAssumer } from '../aws/aws-role-assumer';
import { recordCloudSessions } from '../cloud-session-audit';
import { openAzureClientSecret } from '../crypto/azure-client-secret';
import type { CloudSession } from '../verification/cloud-account-verifier';
import { assumeRunSession, runSessionName } from './aws-run-session';

/** The deployment a run is for: its organization, its cloud account and its cloud. */
export interface RunDeployment {
  id: string;
  orgId: string;
  cloudAccountId: string;
  cloud: CloudProvider;
}

export interface RunContext {
  /** The engine operation (`up`, `destroy`, `preview`, `refresh`): part of the session's name. */
  operation: string;
  /** The run's signal: a cancelled run stops waiting for the cloud. */
  signal?: AbortSignal;
}

/**
 * The customer's cloud credentials for one provisioning run, from the deployment's own cloud account (of
 * the same organization, or none): the Azure service principal with its secret opened for this run, or
 * temporary credentials of the AWS role assumed with the account's external id. Each session handed to a
 * run is written to the audit log before the run gets it. Failures are ProvisioningErrors without secrets.
 */
@Injectable()
export class RunCredentialsService {
  private readonly logger = new Logger(RunCredentialsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
    private readonly cipher: CredentialCipher,
    private readonly sts: AwsRoleAssumer,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async forDeployment(deployment: RunDeployment, run: RunContext): Promise<CloudCredentials> {
    const account = await this.prisma.cloudAccount.findFirst({
      where: { id: deployment.cloudAccountId, orgId: deployment.orgId },
    });
    if (!account) {
      throw invalid(
        `The cloud account of deployment ${deployment.id} is not in the deployment's organization`,
      );
    }
    if (account.provider !== deployment.cloud) {
      throw invalid(
        `Cloud account ${account.id} is a ${account.provider} account; the deployment is on ${deployment.cloud}`,
      );
    }
    const sessionName = runSessionName(run.operation, deployment.id);
    const { credentials, session } =
      account.provider === CloudProvider.AZURE
        ? this.azure(account, sessionName)
        : await this.aws(account, sessionName, run.signal);
    // Fail closed: a session that cannot be audited is not handed out.
    await this.prisma.$transaction((tx) =>
      recordCloudSessions(
        this.audit,
        tx,
        { orgId: deployment.orgId, actorType: ActorType.SYSTEM },
        account.id,
        [session],
        { purpose: 'provision', deploymentId: deployment.id, run: run.operation },
      ),
    );
    this.logger.log(
      { deploymentId: deployment.id, cloudAccountId: account.id, kind: session.kind, sessionName },
      'Cloud credentials issued for a run',
    );
    return credentials;
  }

  /**
   * The service principal, secret opened for this run. Streamplane opens no session itself here (the
   * Pulumi CLI signs in), but handing the secret to a run is recorded the same way, so the audit log lists
   * every run that used the account.
   */
  private azure(
    account: CloudAccount,
    sessionName: string,
  ): { credentials: AzureCredentials; session: CloudSession } {
    let clientSecret: string;
    try {
      clientSecret = openAzureClientSecret(this.cipher, account);
    } catch (error) {
      if (!(error instanceof CredentialDecryptionError)) throw error;
      this.logger.error({ cloudAccountId: account.id, keyId: error.keyId }, error.message);
      throw new ProvisioningError(
        ProvisioningErrorCode.ENGINE_ERROR,
        `The client secret of cloud account ${account.id} could not be opened (${error.message}); an operator must restore its key`,
      );
    }
    return {
      credentials: {
        cloud: 'azure',
        tenantId: account.azureTenantId!,
        clientId: account.azureClientId!,
        clientSecret,
        subscriptionId: account.azureSubscriptionId!,
      },
      session: {
        kind: 'azure-client-credentials',
        principal: account.azureClientId!,
        sessionName,
        expiresAt: null,
      },
    };
  }

  private async aws(account: CloudAccount, sessionName: string, signal?: AbortSignal) {
    if (!account.awsRoleArn || !account.awsExternalId || !account.awsAccountId) {
      throw invalid(`Cloud account ${account.id} has no role to assume`);
    }
    try {
      return await assumeRunSession(this.sts, {
        role: { roleArn: account.awsRoleArn, externalId: account.awsExternalId },
        accountId: account.awsAccountId,
        sessionName,
        signal,
        timeoutMs: this.config.cloud.verifyTimeoutSeconds * 1000,
      });
    } catch (error) {
      if (error instanceof ProvisioningError) {
        this.logger.warn({ cloudAccountId: account.id, code: error.code }, error.message);
      }
      throw error;
    }
  }
}

function invalid(message: string): ProvisioningError {
  return new ProvisioningError(ProvisioningErrorCode.INVALID_REQUEST, message);
}
