import { ActorType, type PrismaService } from '@streamplane/db';
import type { AuditLogService } from '@streamplane/audit';
import { cloudAccountSecretContext, type CredentialCipher } from './crypto/credential-cipher';

export interface ReencryptReport {
  /** Rows moved to the active key by this run. */
  reencrypted: number;
  /** Rows already under the active key (nothing to do). */
  current: number;
  /** Rows that could not be opened (their key is missing or they fail authentication), by id. */
  failed: { cloudAccountId: string; keyId: string; problem: string }[];
}

/**
 * Rewrites every sealed cloud-account secret under the active key, in batches, each row in its own
 * transaction with its audit entry. Idempotent: rows already under the active key are left alone, so a
 * run that stopped half-way is finished by running it again. A row changed since it was read (a concurrent
 * run) is skipped, not overwritten. Nothing secret is logged: only ids and key ids.
 */
export async function reencryptCloudAccountSecrets(
  deps: { prisma: PrismaService; cipher: CredentialCipher; audit: AuditLogService },
  options: { batchSize?: number; log?: (line: string) => void } = {},
): Promise<ReencryptReport> {
  const { prisma, cipher, audit } = deps;
  const batchSize = options.batchSize ?? 100;
  const log = options.log ?? (() => undefined);
  const report: ReencryptReport = { reencrypted: 0, current: 0, failed: [] };
  report.current = await prisma.cloudAccount.count({
    where: { secretCiphertext: { not: null }, secretKeyId: cipher.activeKeyId },
  });
  let after: string | undefined;
  for (;;) {
    const batch = await prisma.cloudAccount.findMany({
      where: {
        secretCiphertext: { not: null },
        secretKeyId: { not: cipher.activeKeyId },
        ...(after ? { id: { gt: after } } : {}),
      },
      select: { id: true, orgId: true, secretCiphertext: true, secretKeyId: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (batch.length === 0) break;
    after = batch[batch.length - 1].id;
    for (const row of batch) {
      const context = cloudAccountSecretContext(row.id, 'azure-client-secret');
      const fromKeyId = row.secretKeyId!;
      let sealed;
      try {
        sealed = cipher.encrypt(
          cipher.decrypt({ ciphertext: row.secretCiphertext!, keyId: fromKeyId }, context),
          context,
        );
      } catch (error) {
        report.failed.push({ cloudAccountId: row.id, keyId: fromKeyId, problem: (error as Error).message });
        continue;
      }
      const moved = await prisma.$transaction(async (tx) => {
        // Only if the row still holds what was read: never overwrite a concurrent change.
        const { count } = await tx.cloudAccount.updateMany({
          where: { id: row.id, secretKeyId: fromKeyId, secretCiphertext: row.secretCiphertext },
          data: { secretCiphertext: Buffer.from(sealed.ciphertext), secretKeyId: sealed.keyId },
        });
        if (count === 1) {
          await audit.record(
            tx,
            { orgId: row.orgId, actorType: ActorType.SYSTEM },
            {
              action: 'cloud_account.reencrypt',
              targetType: 'CloudAccount',
              targetId: row.id,
              metadata: { fromKeyId, toKeyId: sealed.keyId },
            },
          );
        }
        return count === 1;
      });
      if (moved) report.reencrypted++;
    }
    log(`re-encrypted ${report.reencrypted} so far (batch of ${batch.length}, up to ${after})`);
  }
  return report;
}
