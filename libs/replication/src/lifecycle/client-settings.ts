import { parsePattern } from '../spec/replication-patterns';

/** What clients should switch to after a failover or failback: the endpoint and topic names to use there. */
export interface ClientSettings {
  deploymentId: string;
  deploymentName: string;
  /** The active side's external listener (null when it has none: clients inside its cluster use the internal one). */
  bootstrapServers: string | null;
  bootstrapInternal: string | null;
  /** Per selected pattern: the name consumers read on the active side (`*` stays a prefix). */
  topics: { selection: string; consumeOnActive: string[] }[];
  notes: string[];
}

interface End {
  id: string;
  name: string;
  outputs: unknown;
}

/**
 * Client settings for `active` after records were mirrored into it from `other`: with prefixed naming the
 * mirrored history is under `<other>.<topic>` and new records go to `<topic>`, so consumers read both; with
 * identity naming the names are unchanged.
 */
export function clientSettingsFor(
  active: End,
  other: End,
  topicNaming: 'PREFIXED' | 'IDENTITY',
  topics: string[],
): ClientSettings {
  const outputs = (active.outputs ?? {}) as {
    bootstrapExternal?: string | null;
    bootstrapInternal?: string | null;
  };
  const notes = [
    'Consumer groups resume at the offsets the checkpoint connector translated and synced (sync.group.offsets); ' +
      'records consumed after the last checkpoint may be delivered again, so consumers must tolerate duplicates.',
    'Use the same SCRAM-SHA-512 (or mTLS) client credentials as on the other deployment: create the KafkaUsers ' +
      `on ${active.name} if they do not exist there yet; ACLs are not mirrored.`,
  ];
  if (topicNaming === 'IDENTITY') {
    notes.push(
      'Identity topic names: records written here during a failover are mirrored back under the same names on ' +
        'failback, and the restored direction may mirror some of them again; consumers must tolerate duplicates.',
    );
  }
  if (topicNaming === 'PREFIXED') {
    notes.unshift(
      `Producers write to the usual topic names on ${active.name}; consumers subscribe to both the usual name and ` +
        `the mirrored "${other.name}.<topic>" (e.g. a pattern subscription) to read the history mirrored before the switch.`,
    );
  }
  return {
    deploymentId: active.id,
    deploymentName: active.name,
    bootstrapServers: outputs.bootstrapExternal ?? null,
    bootstrapInternal: outputs.bootstrapInternal ?? null,
    topics: topics.map((selection) => {
      const pattern = parsePattern(selection);
      const name = pattern?.patternType === 'prefix' ? `${pattern.name}*` : selection;
      return {
        selection,
        consumeOnActive: topicNaming === 'PREFIXED' ? [name, `${other.name}.${name}`] : [name],
      };
    }),
    notes,
  };
}
