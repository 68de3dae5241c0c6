import type { Actor, AuditLogService } from '@streamplane/audit';
import type { Prisma } from '@streamplane/db';
import type { CloudSession } from './verification/cloud-account-verifier';

/** Why Streamplane opened a session in a customer's cloud. */
export type CloudSessionPurpose =
  | { purpose: 'verify' }
  /** A provisioning run of a deployment: `run` is the engine operation (up, destroy, preview, refresh). */
  | { purpose: 'provision'; deploymentId: string; run: string };

/**
 * Writes one `cloud_account.session` audit row per session, inside the caller's transaction: the customer
 * can match each to their CloudTrail / sign-in logs by principal and session name. Never any secret.
 */
export async function recordCloudSessions(
  audit: AuditLogService,
  tx: Prisma.TransactionClient,
  actor: Actor,
  cloudAccountId: string,
  sessions: CloudSession[],
  why: CloudSessionPurpose,
): Promise<void> {
  for (const session of sessions) {
    await audit.record(tx, actor, {
      action: 'cloud_account.session',
      targetType: 'CloudAccount',
      targetId: cloudAccountId,
      metadata: {
        ...why,
        kind: session.kind,
        principal: session.principal,
        sessionName: session.sessionName,
        expiresAt: session.expiresAt,
      },
    });
  }
}
