import type { AppConfig } from '@streamplane/config';
import type { StackEngineKind } from '@streamplane/provisioning';
import type Redis from 'ioredis';
import { AgentHealthStore } from './agent-health-store';
import { AgentReportedClusterHealthProbe } from './agent-reported-cluster-health-probe';
import type { ClusterHealthProbe } from './cluster-health-probe';
import { SimulatedClusterHealthProbe } from './simulated-cluster-health-probe';

/** The probe that fits the engine: a simulated cluster is healthy by construction; a real one is what its agent reports. */
export function clusterHealthProbeFor(
  engine: StackEngineKind,
  config: AppConfig,
  redis: Redis,
): ClusterHealthProbe {
  switch (engine) {
    case 'local':
      return new SimulatedClusterHealthProbe();
    case 'pulumi':
      return new AgentReportedClusterHealthProbe(
        new AgentHealthStore(redis),
        config.provisioning.upgrades.agentHealthMaxAgeSeconds * 1000,
      );
  }
}
