import { DEFAULT_REPLICATION_THRESHOLDS } from './health/replication-health';
import { REPLICATION_THRESHOLDS } from './replication-links.service';

/**
 * The health and failover thresholds. Defaults for now; the lead moves them into AppConfig
 * (`config.replication`) and this provider reads them from there.
 */
export const replicationThresholdsProvider = {
  provide: REPLICATION_THRESHOLDS,
  useValue: DEFAULT_REPLICATION_THRESHOLDS,
};
