import { Injectable, Logger } from '@nestjs/common';
import { safeEqual, sha256Hex } from '@streamplane/auth';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { PrismaService, type Prisma } from '@streamplane/db';
import { CredentialCipher, CredentialDecryptionError } from '@streamplane/secrets';
import { randomUUID } from 'node:crypto';
import { MeteringError, MeteringErrorCode } from '../metering.errors';
import { agentTokenPrefixOf, agentTokenSecretContext, newAgentToken } from './agent-token-format';

/** Who sent a usage batch: the deployment an agent token belongs to, and its organization. */
export interface AgentPrincipal {
  orgId: string;
  deploymentId: string;
  tokenId: string;
}

export interface IssueAgentTokenOptions {
  /**
   * How long the deployment's older tokens keep working (the agent picks the new one up meanwhile).
   * Default one hour; 0 revokes them at once.
   */
  previousGraceMs?: number;
  /**
   * Issue inside the caller's transaction (e.g. the one that creates the deployment). This process's
   * cached lookups are dropped when issue() returns, before the caller commits: a lookup made in between
   * still sees the old state, for up to `ingest.tokenCacheSeconds`.
   */
  tx?: Prisma.TransactionClient;
}

export interface IssuedAgentToken {
  id: string;
  /**
   * The whole token: returned once, here. Stored are its prefix and hash (to authenticate it) and, for the
   * provisioner, a sealed copy (`tokenForStack`) — never handed to an API caller.
   */
  token: string;
}

export const DEFAULT_AGENT_TOKEN_GRACE_MS = 3_600_000;
const MAX_GRACE_MS = 30 * 86_400_000;
/** Successful lookups remembered at most; the oldest is dropped first. */
const CACHE_MAX_ENTRIES = 10_000;
/** last_used_at is written at most this often per token. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CachedToken extends AgentPrincipal {
  /** The token's own expiry (a rotated-out token's grace period), epoch ms, or null. */
  expiresAt: number | null;
  /** Until when this process trusts the lookup without asking PostgreSQL again. */
  cachedUntil: number;
}

/** What clears a token's sealed copy: only the deployment's current token keeps one. */
const UNSEALED = { tokenCiphertext: null, tokenKeyId: null } as const;

/**
 * Per-deployment agent tokens: issued (and rotated) by the control plane, handed to the deployment's
 * cluster by the provisioner (`tokenForStack`), presented by the deployment's agent on every usage batch.
 *
 * A token is stored as its SHA-256 (authentication) and, while it is the deployment's current token, sealed
 * under the credentials keyring (AES-256-GCM, bound to its row): every run of the stack must hand the
 * cluster the token it already has, or the agent's Secret would change on every change of the deployment.
 * A token rotated out or revoked loses its sealed copy; its hash keeps authenticating it until it ends.
 *
 * Ingest authenticates up to ~50 batches/s per process, so successful lookups are kept in-process for
 * `ingest.tokenCacheSeconds` (bounded). Rotation and revocation drop this process's entries at once; another
 * api replica notices within that many seconds.
 */
@Injectable()
export class AgentTokensService {
  private readonly logger = new Logger(AgentTokensService.name);
  /** By SHA-256 of the whole token, so a wrong secret with a right prefix never matches an entry. */
  private readonly cache = new Map<string, CachedToken>();
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly cacheMs: number;

  constructor(
    private readonly prisma: PrismaService,
    @InjectConfig() config: AppConfig,
    private readonly cipher: CredentialCipher,
  ) {
    this.cacheMs = config.ingest.tokenCacheSeconds * 1000;
  }

  /**
   * A new token for the deployment (which must belong to `orgId`). Its older tokens expire after
   * `previousGraceMs` (default one hour) — or at once with 0.
   */
  async issue(
    orgId: string,
    deploymentId: string,
    options: IssueAgentTokenOptions = {},
  ): Promise<IssuedAgentToken> {
    const graceMs = options.previousGraceMs ?? DEFAULT_AGENT_TOKEN_GRACE_MS;
    if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS) {
      throw new MeteringError(
        MeteringErrorCode.INVALID_OPTIONS,
        `previousGraceMs must be a whole number of milliseconds from 0 to ${MAX_GRACE_MS}.`,
      );
    }
    const issue = async (tx: Prisma.TransactionClient): Promise<IssuedAgentToken> => {
      await this.lockDeployment(tx, orgId, deploymentId);
      return this.issueLocked(tx, orgId, deploymentId, graceMs);
    };
    const issued = options.tx ? await issue(options.tx) : await this.prisma.$transaction(issue);
    this.forgetDeployment(deploymentId);
    return issued;
  }

  /**
   * The token the deployment's stack hands its agent (the provisioner's, for every run): the deployment's
   * current token — the same on every run, so the cluster's Secret does not change — or, when it has none
   * (its first CREATE, or only tokens issued before tokens were sealed), a new one. Never for an API caller.
   * Fails with CredentialDecryptionError (ids only) when the sealed token cannot be opened (its key is gone).
   */
  async tokenForStack(orgId: string, deploymentId: string): Promise<string> {
    if (!UUID.test(orgId) || !UUID.test(deploymentId)) throw deploymentNotFound();
    const current = await this.currentSealed(this.prisma, orgId, deploymentId);
    if (current) return this.open(current);
    let issued = false;
    const token = await this.prisma.$transaction(async (tx) => {
      await this.lockDeployment(tx, orgId, deploymentId);
      // Issuing is serialised per deployment: another run (or a rotation) may have issued one meanwhile.
      const raced = await this.currentSealed(tx, orgId, deploymentId);
      if (raced) return this.open(raced);
      issued = true;
      return (await this.issueLocked(tx, orgId, deploymentId, DEFAULT_AGENT_TOKEN_GRACE_MS)).token;
    });
    if (issued) this.forgetDeployment(deploymentId);
    return token;
  }

  /** Ends every token of the deployment at once (e.g. when it is destroyed). Returns how many. */
  async revokeAll(orgId: string, deploymentId: string): Promise<number> {
    if (!UUID.test(deploymentId) || !UUID.test(orgId)) return 0;
    const { count } = await this.prisma.agentToken.updateMany({
      where: { orgId, deploymentId, revokedAt: null },
      data: { revokedAt: new Date(), ...UNSEALED },
    });
    this.forgetDeployment(deploymentId);
    return count;
  }

  /** The deployment a presented token belongs to, or a typed UNAUTHENTICATED error. */
  async authenticate(token: string | undefined): Promise<AgentPrincipal> {
    const prefix = token === undefined ? undefined : agentTokenPrefixOf(token);
    if (token === undefined || prefix === undefined) {
      throw new MeteringError(
        MeteringErrorCode.AGENT_TOKEN_MISSING,
        "Send the deployment's agent token: Authorization: Bearer sp_agt_….",
      );
    }
    const hash = sha256Hex(token);
    const now = Date.now();
    let entry = this.cache.get(hash);
    if (!entry || entry.cachedUntil <= now) {
      entry = await this.lookup(prefix, hash, now);
      this.remember(hash, entry);
    }
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      this.cache.delete(hash);
      throw expired();
    }
    this.touch(entry.tokenId, now);
    return { orgId: entry.orgId, deploymentId: entry.deploymentId, tokenId: entry.tokenId };
  }

  private async lookup(prefix: string, hash: string, now: number): Promise<CachedToken> {
    const row = await this.prisma.agentToken.findUnique({
      where: { prefix },
      select: {
        id: true,
        orgId: true,
        deploymentId: true,
        secretHash: true,
        expiresAt: true,
        revokedAt: true,
      },
    });
    if (!row || !safeEqual(row.secretHash, hash)) {
      throw new MeteringError(MeteringErrorCode.AGENT_TOKEN_INVALID, 'This agent token is not valid.');
    }
    if (row.revokedAt) {
      throw new MeteringError(MeteringErrorCode.AGENT_TOKEN_REVOKED, 'This agent token has been revoked.');
    }
    const expiresAt = row.expiresAt?.getTime() ?? null;
    if (expiresAt !== null && expiresAt <= now) throw expired();
    return {
      orgId: row.orgId,
      deploymentId: row.deploymentId,
      tokenId: row.id,
      expiresAt,
      cachedUntil: now + this.cacheMs,
    };
  }

  private remember(hash: string, entry: CachedToken): void {
    if (this.cacheMs <= 0) return;
    this.cache.delete(hash);
    if (this.cache.size >= CACHE_MAX_ENTRIES) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(hash, entry);
  }

  private forgetDeployment(deploymentId: string): void {
    for (const [hash, entry] of this.cache) {
      if (entry.deploymentId === deploymentId) this.cache.delete(hash);
    }
  }

  /** last_used_at, at most once a minute per token, off the request's path (a failure is only logged). */
  private touch(tokenId: string, now: number): void {
    const last = this.lastUsedWrites.get(tokenId);
    if (last !== undefined && now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    if (this.lastUsedWrites.size >= CACHE_MAX_ENTRIES) this.lastUsedWrites.clear();
    this.lastUsedWrites.set(tokenId, now);
    this.prisma.agentToken
      .updateMany({ where: { id: tokenId }, data: { lastUsedAt: new Date(now) } })
      .catch((error: unknown) =>
        this.logger.warn({ err: error, tokenId }, 'could not record agent token use'),
      );
  }

  /** A new sealed token; the deployment's others end after `graceMs` (0: at once) and lose their sealed copy. */
  private async issueLocked(
    tx: Prisma.TransactionClient,
    orgId: string,
    deploymentId: string,
    graceMs: number,
  ): Promise<IssuedAgentToken> {
    const now = new Date();
    if (graceMs === 0) {
      await tx.agentToken.updateMany({
        where: { deploymentId, revokedAt: null },
        data: { revokedAt: now, ...UNSEALED },
      });
    } else {
      const until = new Date(now.getTime() + graceMs);
      // Never lengthens an expiry already set (a token rotated out earlier keeps its shorter grace).
      await tx.agentToken.updateMany({
        where: { deploymentId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: until } }] },
        data: { expiresAt: until },
      });
      // Only the current token is the stack's: the others' plaintexts are no longer needed by anyone.
      await tx.agentToken.updateMany({
        where: { deploymentId, tokenCiphertext: { not: null } },
        data: UNSEALED,
      });
    }
    const id = randomUUID();
    const { prefix, token } = newAgentToken();
    const sealed = this.cipher.encrypt(token, agentTokenSecretContext(id, deploymentId));
    await tx.agentToken.create({
      data: {
        id,
        orgId,
        deploymentId,
        prefix,
        secretHash: sha256Hex(token),
        tokenCiphertext: Buffer.from(sealed.ciphertext),
        tokenKeyId: sealed.keyId,
      },
      select: { id: true },
    });
    return { id, token };
  }

  /** The deployment's current token, sealed: neither rotated out nor revoked; the newest if several. */
  private currentSealed(db: Prisma.TransactionClient, orgId: string, deploymentId: string) {
    return db.agentToken.findFirst({
      where: { orgId, deploymentId, revokedAt: null, expiresAt: null, tokenCiphertext: { not: null } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, deploymentId: true, secretHash: true, tokenCiphertext: true, tokenKeyId: true },
    });
  }

  private open(row: {
    id: string;
    deploymentId: string;
    secretHash: string;
    tokenCiphertext: Uint8Array | null;
    tokenKeyId: string | null;
  }): string {
    const token = this.cipher.decrypt(
      { ciphertext: row.tokenCiphertext!, keyId: row.tokenKeyId! },
      agentTokenSecretContext(row.id, row.deploymentId),
    );
    // What the stack is handed must be what authenticates: a sealed copy that disagrees with the hash is refused.
    if (!safeEqual(sha256Hex(token), row.secretHash)) {
      throw new CredentialDecryptionError(
        `The sealed copy of agent token ${row.id} does not match its hash`,
        row.tokenKeyId!,
      );
    }
    return token;
  }

  /**
   * The deployment's row, locked for the transaction (every issue for a deployment is serialised on it);
   * DEPLOYMENT_NOT_FOUND when it is not this organization's.
   */
  private async lockDeployment(tx: Prisma.TransactionClient, orgId: string, deploymentId: string) {
    const found =
      UUID.test(orgId) &&
      UUID.test(deploymentId) &&
      (
        await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM deployments WHERE id = ${deploymentId}::uuid AND org_id = ${orgId}::uuid
          FOR NO KEY UPDATE`
      ).length > 0;
    if (!found) throw deploymentNotFound();
  }
}

function deploymentNotFound(): MeteringError {
  return new MeteringError(
    MeteringErrorCode.DEPLOYMENT_NOT_FOUND,
    'No such deployment in this organization.',
  );
}

function expired(): MeteringError {
  return new MeteringError(
    MeteringErrorCode.AGENT_TOKEN_EXPIRED,
    'This agent token was replaced by a newer one and its grace period is over.',
  );
}
