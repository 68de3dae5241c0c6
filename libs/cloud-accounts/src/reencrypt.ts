import type { AuditLogService } from '@streamplane/audit';
import { ActorType, type PrismaService } from '@streamplane/db';
import { reencryptSealedRows, type CredentialCipher, type SealedRow } from '@streamplane/secrets';
import { cloudAccountSecretContext } from './crypto/cloud-account-secret-context';

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
  const report = await reencryptSealedRows<SealedRow & { orgId: string }>(
    cipher,
    {
      countUnder: (activeKeyId) =>
        prisma.cloudAccount.count({ where: { secretCiphertext: { not: null }, secretKeyId: activeKeyId } }),
      nextBatch: async (activeKeyId, after, take) =>
        (
          await prisma.cloudAccount.findMany({
            where: {
              secretCiphertext: { not: null },
              secretKeyId: { not: activeKeyId },
              ...(after ? { id: { gt: after } } : {}),
            },
            select: { id: true, orgId: true, secretCiphertext: true, secretKeyId: true },
            orderBy: { id: 'asc' },
            take,
          })
        ).map((row) => ({
          id: row.id,
          orgId: row.orgId,
          sealed: { ciphertext: row.secretCiphertext!, keyId: row.secretKeyId! },
          context: cloudAccountSecretContext(row.id, 'azure-client-secret'),
        })),
      replace: (row, sealed) =>
        prisma.$transaction(async (tx) => {
          // Only if the row still holds what was read: never overwrite a concurrent change.
          const { count } = await tx.cloudAccount.updateMany({
            where: {
              id: row.id,
              secretKeyId: row.sealed.keyId,
              secretCiphertext: Buffer.from(row.sealed.ciphertext),
            },
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
                metadata: { fromKeyId: row.sealed.keyId, toKeyId: sealed.keyId },
              },
            );
          }
          return count === 1;
        }),
    },
    options,
  );
  return {
    reencrypted: report.reencrypted,
    current: report.current,
    failed: report.failed.map(({ id, keyId, problem }) => ({ cloudAccountId: id, keyId, problem })),
  };
}
