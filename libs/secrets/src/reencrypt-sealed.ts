import type { CredentialCipher, SealedSecret } from './credential-cipher';

/** One row's sealed secret, as read: its id, the sealed value, and the context it is bound to. */
export interface SealedRow {
  id: string;
  sealed: SealedSecret;
  context: string;
}

/** Where the sealed secrets of one kind live (a table's column pair); see `reencryptSealedRows`. */
export interface SealedRowSource<R extends SealedRow> {
  /** How many rows are sealed under `activeKeyId` already. */
  countUnder(activeKeyId: string): Promise<number>;
  /** The next rows sealed under another key than `activeKeyId`, by id, after `after` (all when undefined). */
  nextBatch(activeKeyId: string, after: string | undefined, take: number): Promise<R[]>;
  /**
   * Writes `sealed` over `row`'s value, only if the row still holds what was read (never over a concurrent
   * change), with whatever record goes with it (an audit entry). True when it wrote.
   */
  replace(row: R, sealed: SealedSecret): Promise<boolean>;
}

export interface SealedRowsReport {
  /** Rows moved to the active key by this run. */
  reencrypted: number;
  /** Rows already under the active key (nothing to do). */
  current: number;
  /** Rows that could not be opened (their key is missing or they fail authentication), by id. */
  failed: { id: string; keyId: string; problem: string }[];
}

/**
 * Re-seals every row of `source` under the cipher's active key, in batches of `batchSize`. Idempotent: rows
 * under the active key are left alone, so a run that stopped half-way is finished by running it again.
 * Only ids and key ids reach `log` and the report, never a secret.
 */
export async function reencryptSealedRows<R extends SealedRow>(
  cipher: CredentialCipher,
  source: SealedRowSource<R>,
  options: { batchSize?: number; log?: (line: string) => void } = {},
): Promise<SealedRowsReport> {
  const batchSize = options.batchSize ?? 100;
  const log = options.log ?? (() => undefined);
  const activeKeyId = cipher.activeKeyId;
  const report: SealedRowsReport = {
    reencrypted: 0,
    current: await source.countUnder(activeKeyId),
    failed: [],
  };
  let after: string | undefined;
  for (;;) {
    const batch = await source.nextBatch(activeKeyId, after, batchSize);
    if (batch.length === 0) break;
    after = batch[batch.length - 1].id;
    for (const row of batch) {
      let sealed: SealedSecret;
      try {
        sealed = cipher.encrypt(cipher.decrypt(row.sealed, row.context), row.context);
      } catch (error) {
        report.failed.push({ id: row.id, keyId: row.sealed.keyId, problem: (error as Error).message });
        continue;
      }
      if (await source.replace(row, sealed)) report.reencrypted++;
    }
    log(`re-encrypted ${report.reencrypted} so far (batch of ${batch.length}, up to ${after})`);
  }
  return report;
}
