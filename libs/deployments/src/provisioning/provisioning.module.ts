import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@streamplane/config';
import { RedisService } from '@streamplane/db';
import { AgentTokensModule } from '@streamplane/metering';
import type { StackEngine } from '@streamplane/provisioning';
import { CLUSTER_HEALTH_PROBE, type ClusterHealthProbe } from '../health/cluster-health-probe';
import { clusterHealthProbeFor } from '../health/cluster-health-probe.provider';
import { KafkaUpgradeRun } from '../upgrades/kafka-upgrade-run';
import { UpgradeRunStore } from '../upgrades/upgrade-run-store';
import { DeploymentEventPublisher } from './deployment-event-publisher';
import { DeploymentLocks } from './deployment-lock';
import { OperationRunner } from './operation-runner';
import { OperationStore } from './operation-store';
import { StackAgent } from './stack-agent';
import { StackEngineModule } from './stack-engine.module';
import { STACK_ENGINE } from './stack-engine.provider';
import { StackWorkloadsModule } from './stack-workloads';

/** Running operations (the provisioner). Needs ConfigModule and DbModule (global) in the application. */
@Module({})
export class ProvisioningModule {
  /**
   * `engine` replaces the configured one (tests run a local engine with injected failures); `healthProbe`
   * the engine's cluster health probe (tests make a cluster unhealthy).
   */
  static forRoot(config: AppConfig, engine?: StackEngine, healthProbe?: ClusterHealthProbe): DynamicModule {
    return {
      module: ProvisioningModule,
      imports: [StackEngineModule.forRoot(config, engine), AgentTokensModule, StackWorkloadsModule],
      providers: [
        OperationRunner,
        OperationStore,
        StackAgent,
        DeploymentEventPublisher,
        { provide: DeploymentLocks, useValue: new DeploymentLocks(config.database.url) },
        KafkaUpgradeRun,
        UpgradeRunStore,
        {
          provide: CLUSTER_HEALTH_PROBE,
          useFactory: (stackEngine: StackEngine, redis: RedisService) =>
            healthProbe ?? clusterHealthProbeFor(stackEngine.kind, config, redis),
          inject: [STACK_ENGINE, RedisService],
        },
      ],
      exports: [OperationRunner],
    };
  }
}
