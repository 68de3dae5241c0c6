import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import type { Deployment } from '@streamplane/db';
import { AgentTokensService } from '@streamplane/metering';
import { ProvisioningError, ProvisioningErrorCode, type StackRequest } from '@streamplane/provisioning';
import { CredentialDecryptionError } from '@streamplane/secrets';

type RunDeployment = Pick<Deployment, 'id' | 'orgId'>;
type AgentInput = StackRequest['input']['agent'];

/**
 * The Streamplane agent a run deploys into the cluster (infra/platform/agent.ts): its image, where it
 * reports, and its token. The token is the deployment's current one (AgentTokensService.tokenForStack),
 * so every run — CREATE, UPDATE, SCALE, UPGRADE, PREVIEW — hands the stack the token its cluster already
 * has and the agent's Secret changes only when the token was rotated. The token exists for the engine call
 * alone: never logged, never stored in an operation.
 */
@Injectable()
export class StackAgent {
  private readonly logger = new Logger(StackAgent.name);

  constructor(
    private readonly tokens: AgentTokensService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The program's `agent` input for a run of the deployment's stack. */
  async inputFor(deployment: RunDeployment): Promise<AgentInput> {
    const { image, controlPlaneUrl } = this.config.provisioning.agent;
    return { image, controlPlaneUrl, token: await this.tokenFor(deployment) };
  }

  /** After a successful DESTROY the cluster is gone: every token of the deployment ends at once. */
  async revokeTokens(deployment: RunDeployment): Promise<void> {
    const revoked = await this.tokens.revokeAll(deployment.orgId, deployment.id);
    this.logger.log(
      { deploymentId: deployment.id, revoked },
      'Agent tokens revoked: the deployment is destroyed',
    );
  }

  private async tokenFor(deployment: RunDeployment): Promise<string> {
    try {
      return await this.tokens.tokenForStack(deployment.orgId, deployment.id);
    } catch (error) {
      if (!(error instanceof CredentialDecryptionError)) throw error;
      this.logger.error({ deploymentId: deployment.id, keyId: error.keyId }, error.message);
      throw new ProvisioningError(
        ProvisioningErrorCode.ENGINE_ERROR,
        `The agent token of deployment ${deployment.id} could not be opened (${error.message}); an operator must restore its key`,
      );
    }
  }
}
