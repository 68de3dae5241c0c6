import { Injectable } from '@nestjs/common';
import { parseInput } from '@streamplane/errors';
import { Prisma, PrismaService, type AuditLog } from '@streamplane/db';
import { currentRequestContext } from '@streamplane/observability';
import { z } from 'zod';
import type { Actor } from './actor';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, string | number | boolean | null>;
}

export interface AuditLogPage {
  entries: AuditLog[];
  nextCursor: string | null;
}

const ListFilter = z.strictObject({
  first: z.number().int().min(1).max(200).default(50),
  after: z
    .string()
    .regex(/^\d{1,19}$/, 'must be a cursor returned by a previous page')
    .optional(),
  action: z.string().trim().min(1).max(100).optional(),
});
export type AuditLogFilter = z.input<typeof ListFilter>;

@Injectable()
export class AuditLogService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Writes the audit row inside the caller's transaction, so a mutation and its audit entry
   * commit together or not at all. IP and request id come from the request being served.
   */
  async record(tx: Prisma.TransactionClient, actor: Actor, entry: AuditEntry): Promise<void> {
    const context = currentRequestContext();
    await tx.auditLog.create({
      data: {
        orgId: actor.orgId,
        actorType: actor.actorType,
        actorId: actor.actorId ?? null,
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        metadata: entry.metadata ?? {},
        ip: context?.ip ?? null,
        requestId: context?.requestId ?? null,
      },
    });
  }

  /** Newest first, keyset-paginated by id; always within one organization. */
  async list(orgId: string, filter: AuditLogFilter): Promise<AuditLogPage> {
    const { first, after, action } = parseInput(ListFilter, filter);
    const rows = await this.prisma.auditLog.findMany({
      where: { orgId, action, ...(after ? { id: { lt: BigInt(after) } } : {}) },
      orderBy: { id: 'desc' },
      take: first + 1,
    });
    const entries = rows.slice(0, first);
    const hasMore = rows.length > first;
    return { entries, nextCursor: hasMore ? entries[entries.length - 1].id.toString() : null };
  }
}
