import type { AuditLogService } from '@streamplane/audit';
import { ActorType, type PrismaService } from '@streamplane/db';
import {
  reencryptSealedRows,
  type CredentialCipher,
  type SealedRow,
  type SealedRowsReport,
} from '@streamplane/secrets';
import { agentTokenSecretContext } from './agent-token-format';

/**
 * Re-seals every sealed agent token (each deployment's current one) under the active key of the credentials
 * keyring, in batches, each row in its own transaction with its audit entry (`agent_token.reencrypt`, ids
 * and key ids only). Idempotent, and never over a concurrent change: a token rotated or revoked since it was
 * read is skipped. Part of `npm run credentials:reencrypt`.
 */
export async function reencryptAgentTokens(
  deps: { prisma: PrismaService; cipher: CredentialCipher; audit: AuditLogService },
  options: { batchSize?: number; log?: (line: string) => void } = {},
): Promise<SealedRowsReport> {
  const { prisma, cipher, audit } = deps;
  return reencryptSealedRows<SealedRow & { orgId: string; deploymentId: string }>(
    cipher,
    {
      countUnder: (activeKeyId) =>
        prisma.agentToken.count({ where: { tokenCiphertext: { not: null }, tokenKeyId: activeKeyId } }),
      nextBatch: async (activeKeyId, after, take) =>
        (
          await prisma.agentToken.findMany({
            where: {
              tokenCiphertext: { not: null },
              tokenKeyId: { not: activeKeyId },
              ...(after ? { id: { gt: after } } : {}),
            },
            select: { id: true, orgId: true, deploymentId: true, tokenCiphertext: true, tokenKeyId: true },
            orderBy: { id: 'asc' },
            take,
          })
        ).map((row) => ({
          id: row.id,
          orgId: row.orgId,
          deploymentId: row.deploymentId,
          sealed: { ciphertext: row.tokenCiphertext!, keyId: row.tokenKeyId! },
          context: agentTokenSecretContext(row.id, row.deploymentId),
        })),
      replace: (row, sealed) =>
        prisma.$transaction(async (tx) => {
          // Only if the row still holds what was read (rotating or revoking it clears the sealed copy).
          const { count } = await tx.agentToken.updateMany({
            where: {
              id: row.id,
              tokenKeyId: row.sealed.keyId,
              tokenCiphertext: Buffer.from(row.sealed.ciphertext),
            },
            data: { tokenCiphertext: Buffer.from(sealed.ciphertext), tokenKeyId: sealed.keyId },
          });
          if (count === 1) {
            await audit.record(
              tx,
              { orgId: row.orgId, actorType: ActorType.SYSTEM },
              {
                action: 'agent_token.reencrypt',
                targetType: 'AgentToken',
                targetId: row.id,
                metadata: {
                  deploymentId: row.deploymentId,
                  fromKeyId: row.sealed.keyId,
                  toKeyId: sealed.keyId,
                },
              },
            );
          }
          return count === 1;
        }),
    },
    options,
  );
}
