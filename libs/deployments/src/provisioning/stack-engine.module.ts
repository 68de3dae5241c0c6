import { Module, type DynamicModule } from '@nestjs/common';
import { RunCredentialsModule, RunCredentialsService } from '@streamplane/cloud-accounts';
import type { AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import type { StackEngine } from '@streamplane/provisioning';
import { CredentialedStackEngine, type RunCredentialsSource } from './credentialed-stack-engine';
import { STACK_ENGINE, stackEngineFor } from './stack-engine.provider';

/**
 * Provides STACK_ENGINE: the configured engine (or `engine`, from tests), and for the pulumi engine the
 * decorator that gives each run its deployment's cloud credentials. Needs DbModule and ConfigModule (global).
 */
@Module({})
export class StackEngineModule {
  static forRoot(config: AppConfig, engine?: StackEngine): DynamicModule {
    // Built here rather than in a provider factory: a misconfigured engine stops the provisioner with its
    // ConfigError before anything connects (Nest aborts the process on a factory that throws).
    const configured = engine ?? stackEngineFor(config);
    return {
      module: StackEngineModule,
      imports: [RunCredentialsModule],
      providers: [
        {
          provide: STACK_ENGINE,
          useFactory: (prisma: PrismaService, credentials: RunCredentialsService): StackEngine =>
            // The local engine touches no cloud and ignores credentials: none are issued (or audited) for it.
            configured.kind === 'pulumi'
              ? new CredentialedStackEngine(configured, runCredentialsSource(prisma, credentials))
              : configured,
          inject: [PrismaService, RunCredentialsService],
        },
      ],
      exports: [STACK_ENGINE],
    };
  }
}

function runCredentialsSource(prisma: PrismaService, service: RunCredentialsService): RunCredentialsSource {
  return {
    deployment: async (deploymentId) =>
      (await prisma.deployment.findUnique({
        where: { id: deploymentId },
        select: { id: true, orgId: true, cloudAccountId: true, cloud: true, stackName: true },
      })) ?? undefined,
    credentials: (deployment, run) => service.forDeployment(deployment, run),
  };
}
