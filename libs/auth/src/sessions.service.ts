import { Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { ActorType, PrismaService, type Prisma } from '@streamplane/db';
import { AccessTokenService } from './access-token.service';
import { AuthError, AuthErrorCode } from './auth.errors';
import { randomToken, sha256Hex } from './secrets';

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

/** What a browser gets on sign-in or refresh; the api turns it into cookies. */
export interface IssuedSession {
  sessionId: string;
  userId: string;
  orgId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  sessionExpiresAt: Date;
  csrfToken: string;
}

@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly accessTokens: AccessTokenService,
    private readonly audit: AuditLogService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async start(
    tx: Prisma.TransactionClient,
    userId: string,
    orgId: string,
    client: ClientInfo,
  ): Promise<IssuedSession> {
    const expiresAt = new Date(Date.now() + this.config.auth.sessionTtlDays * 86_400_000);
    const session = await tx.session.create({
      data: {
        userId,
        orgId,
        ip: client.ip?.slice(0, 64),
        userAgent: client.userAgent?.slice(0, 512),
        expiresAt,
      },
    });
    const refreshToken = randomToken();
    await tx.refreshToken.create({
      data: { sessionId: session.id, tokenHash: sha256Hex(refreshToken), expiresAt },
    });
    return this.issue(session.id, userId, orgId, refreshToken, expiresAt);
  }

  /**
   * Exchanges a refresh token for a new pair. A token that was already exchanged means it leaked
   * (or was replayed): the whole session is revoked, and the caller must sign in again.
   */
  async rotate(refreshToken: string): Promise<IssuedSession> {
    const record = await this.prisma.refreshToken.findUnique({
      where: { tokenHash: sha256Hex(refreshToken) },
      include: { session: true },
    });
    if (!record)
      throw new AuthError(AuthErrorCode.TOKEN_INVALID, 'The refresh token is not valid. Sign in again.');
    const { session } = record;
    if (record.rotatedAt) {
      await this.revokeForReuse(session.id, session.orgId, session.userId);
      throw new AuthError(
        AuthErrorCode.REFRESH_TOKEN_REUSED,
        'This refresh token was already used, so the session has been ended for safety. Sign in again.',
      );
    }
    if (session.revokedAt || session.expiresAt <= new Date() || record.expiresAt <= new Date()) {
      throw new AuthError(AuthErrorCode.SESSION_ENDED, 'The session has ended. Sign in again.');
    }
    const nextToken = randomToken();
    const rotated = await this.prisma.$transaction(async (tx) => {
      // Conditional update: of two concurrent refreshes with the same token, exactly one wins.
      const { count } = await tx.refreshToken.updateMany({
        where: { id: record.id, rotatedAt: null },
        data: { rotatedAt: new Date() },
      });
      if (count === 0) return false;
      await tx.refreshToken.create({
        data: { sessionId: session.id, tokenHash: sha256Hex(nextToken), expiresAt: session.expiresAt },
      });
      return true;
    });
    if (!rotated) {
      await this.revokeForReuse(session.id, session.orgId, session.userId);
      throw new AuthError(
        AuthErrorCode.REFRESH_TOKEN_REUSED,
        'This refresh token was already used. Sign in again.',
      );
    }
    return this.issue(session.id, session.userId, session.orgId, nextToken, session.expiresAt);
  }

  /** A fresh access token for a session whose organization just changed; the refresh token stays. */
  accessFor(
    sessionId: string,
    userId: string,
    orgId: string,
  ): { accessToken: string; accessTokenExpiresAt: Date } {
    const access = this.accessTokens.issue({ userId, sessionId, orgId });
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt };
  }

  async revoke(tx: Prisma.TransactionClient, sessionId: string, reason: string): Promise<void> {
    await tx.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
  }

  private async revokeForReuse(sessionId: string, orgId: string, userId: string): Promise<void> {
    this.logger.warn({ sessionId, userId }, 'refresh token reuse detected; revoking session');
    await this.prisma.$transaction(async (tx) => {
      await this.revoke(tx, sessionId, 'REFRESH_TOKEN_REUSE');
      await this.audit.record(
        tx,
        { orgId, actorType: ActorType.SYSTEM },
        {
          action: 'auth.session.revoked',
          targetType: 'Session',
          targetId: sessionId,
          metadata: { reason: 'REFRESH_TOKEN_REUSE', userId },
        },
      );
    });
  }

  private issue(
    sessionId: string,
    userId: string,
    orgId: string,
    refreshToken: string,
    sessionExpiresAt: Date,
  ): IssuedSession {
    const access = this.accessTokens.issue({ userId, sessionId, orgId });
    return {
      sessionId,
      userId,
      orgId,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      sessionExpiresAt,
      csrfToken: randomToken(24),
    };
  }
}
