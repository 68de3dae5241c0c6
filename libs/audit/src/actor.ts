import type { ActorType } from '@streamplane/db';

/** Who did something, as the audit log records it. */
export interface Actor {
  orgId: string;
  actorType: ActorType;
  /** The user for USER actions, the token for API_TOKEN actions, absent for SYSTEM. */
  actorId?: string;
}
