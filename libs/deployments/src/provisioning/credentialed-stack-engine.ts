import type { RunDeployment } from '@streamplane/cloud-accounts';
import {
  ProvisioningError,
  ProvisioningErrorCode,
  type CloudCredentials,
  type PreviewResult,
  type StackEngine,
  type StackOperation,
  type StackRequest,
  type StackRunResult,
} from '@streamplane/provisioning';

/** Where a run's credentials come from (RunCredentialsService, behind the deployment lookup). */
export interface RunCredentialsSource {
  /** The deployment a stack belongs to, or undefined when there is none. */
  deployment(deploymentId: string): Promise<(RunDeployment & { stackName: string }) | undefined>;
  credentials(
    deployment: RunDeployment,
    run: { operation: StackOperation; signal?: AbortSignal },
  ): Promise<CloudCredentials>;
}

/**
 * A StackEngine whose every run carries the customer's credentials of the deployment it runs for: it looks
 * the deployment up by `request.input.deploymentId`, gets its cloud account's credentials for this run
 * (decrypted, or an AWS role assumed and audited), and only then hands the request to the real engine.
 * The operation runner stays unaware of credentials; they live for one engine call and are never logged.
 */
export class CredentialedStackEngine implements StackEngine {
  readonly kind: StackEngine['kind'];
  readonly simulated: boolean;

  constructor(
    private readonly engine: StackEngine,
    private readonly source: RunCredentialsSource,
  ) {
    this.kind = engine.kind;
    this.simulated = engine.simulated;
  }

  async preview(request: StackRequest): Promise<PreviewResult> {
    return this.engine.preview(await this.withCredentials('preview', request));
  }

  async up(request: StackRequest): Promise<StackRunResult> {
    return this.engine.up(await this.withCredentials('up', request));
  }

  async destroy(request: StackRequest): Promise<StackRunResult> {
    return this.engine.destroy(await this.withCredentials('destroy', request));
  }

  async refresh(request: StackRequest): Promise<StackRunResult> {
    return this.engine.refresh(await this.withCredentials('refresh', request));
  }

  private async withCredentials(operation: StackOperation, request: StackRequest): Promise<StackRequest> {
    const { deploymentId } = request.input;
    const deployment = await this.source.deployment(deploymentId);
    // Fail closed: credentials are only ever given to the stack of the deployment they were issued for.
    if (!deployment || deployment.stackName !== request.stackName) {
      throw new ProvisioningError(
        ProvisioningErrorCode.INVALID_REQUEST,
        `Stack '${request.stackName}' is not the stack of deployment ${deploymentId}`,
      );
    }
    const credentials = await this.source.credentials(deployment, { operation, signal: request.signal });
    return { ...request, credentials };
  }
}
