import { kafkaMetadataVersion } from '@streamplane/deployment-spec';
import type { ResourceEvent, StackRunResult } from '@streamplane/provisioning';

/**
 * How a Kafka upgrade runs. KRaft's metadata version only moves forward, so it moves last: phase 1 rolls the
 * brokers to the new Kafka version while the cluster keeps the old version's metadata version (`pinned`);
 * once the brokers are ready again, phase 2 drops the pin and Strimzi bumps the metadata version. Versions
 * that share a metadata version (a patch release) need one phase: `pinned` is then undefined.
 */
export interface KafkaUpgradePlan {
  fromVersion: string;
  toVersion: string;
  /** The old version's metadata version, kept during phase 1; undefined for a one-phase upgrade. */
  pinned: string | undefined;
  /** The metadata version after the upgrade. */
  target: string;
}

export function planKafkaUpgrade(fromVersion: string, toVersion: string): KafkaUpgradePlan {
  const from = kafkaMetadataVersion(fromVersion);
  const target = kafkaMetadataVersion(toVersion);
  if (!from || !target) {
    throw new Error(`No KRaft metadata version known for Kafka ${from ? toVersion : fromVersion}`);
  }
  return { fromVersion, toVersion, pinned: from === target ? undefined : from, target };
}

/**
 * Numbers the events of several engine runs as one stream: each run starts its own sequence at 1, the
 * operation's events continue from the previous run's last one (ResourceEventWriter keys rows by it).
 */
export class ContinuingEventSequence {
  private offset = 0;
  private highest = 0;

  constructor(private readonly onEvent: (event: ResourceEvent) => void) {}

  /** The callback for the next engine run. */
  nextRun(): (event: ResourceEvent) => void {
    this.offset = this.highest;
    const offset = this.offset;
    return (event) => {
      const sequence = offset + event.sequence;
      this.highest = Math.max(this.highest, sequence);
      this.onEvent({ ...event, sequence });
    };
  }
}

/** One result for the operation: the last run's outputs and unchanged count, every run's changes and time. */
export function combineRunResults(results: StackRunResult[]): StackRunResult {
  const last = results[results.length - 1];
  const summary = { ...last.summary };
  for (const result of results.slice(0, -1)) {
    summary.created += result.summary.created;
    summary.updated += result.summary.updated;
    summary.replaced += result.summary.replaced;
    summary.deleted += result.summary.deleted;
  }
  const recovery = results.find((result) => result.recovery)?.recovery;
  return {
    ...last,
    summary,
    durationMs: results.reduce((sum, result) => sum + result.durationMs, 0),
    ...(recovery ? { recovery } : {}),
  };
}
