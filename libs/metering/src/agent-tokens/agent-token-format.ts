import { randomToken } from '@streamplane/auth';
import { randomBytes } from 'node:crypto';

export const AGENT_TOKEN_PREFIX = 'sp_agt_';
const PREFIX_LENGTH = 12;
const SHAPE = /^sp_agt_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

/**
 * Agent tokens read `sp_agt_<12 hex: lookup prefix>_<43 base64url: 32 random bytes>`, like API tokens
 * (`sp_pat_…`, libs/auth): the prefix is hex so it never holds the `_` separator, and only the SHA-256
 * of the whole token is stored.
 */
export function newAgentToken(): { prefix: string; token: string } {
  const prefix = randomBytes(PREFIX_LENGTH / 2).toString('hex');
  return { prefix, token: `${AGENT_TOKEN_PREFIX}${prefix}_${randomToken(32)}` };
}

/** The lookup prefix of a presented token, or undefined when it is not shaped like an agent token. */
export function agentTokenPrefixOf(token: string): string | undefined {
  return SHAPE.exec(token)?.[1];
}

/**
 * What a deployment's sealed agent token is bound to (the cipher's associated data): its row and its
 * deployment, so a ciphertext copied into another token's row, or a row moved to another deployment, fails
 * to open.
 */
export function agentTokenSecretContext(tokenId: string, deploymentId: string): string {
  return `streamplane/agent-token/${tokenId}/deployment/${deploymentId}`;
}
