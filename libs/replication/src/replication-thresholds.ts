import { APP_CONFIG, type AppConfig } from '@streamplane/config';
import type { ReplicationThresholds } from './health/replication-health';
import { REPLICATION_THRESHOLDS } from './replication-links.service';

/** The health and failover thresholds, from configuration (REPLICATION_* variables, README "Configuration"). */
export const replicationThresholdsProvider = {
  provide: REPLICATION_THRESHOLDS,
  useFactory: (config: AppConfig): ReplicationThresholds => config.replication,
  inject: [APP_CONFIG],
};
