import { Injectable } from '@nestjs/common';
import { AuditLogService, type Actor } from '@streamplane/audit';
import { PrismaService, type Notification } from '@streamplane/db';
import { parseInput } from '@streamplane/errors';
import { z } from 'zod';
import { notificationNotFound } from '../invoicing/billing.errors';
import type { NotificationView } from './billing-views';

const ListInput = z.strictObject({
  first: z.number().int().min(1).max(100).default(50),
  unreadOnly: z.boolean().default(false),
});
export type NotificationListInput = z.input<typeof ListInput>;

/** The organization's notifications (credits running low, …); shared by its members. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
  ) {}

  /** Unread first, newest first within each. */
  async list(orgId: string, input: NotificationListInput = {}): Promise<NotificationView[]> {
    const { first, unreadOnly } = parseInput(ListInput, input);
    const newestFirst = [{ createdAt: 'desc' as const }, { id: 'asc' as const }];
    const unread = await this.prisma.notification.findMany({
      where: { orgId, readAt: null },
      orderBy: newestFirst,
      take: first,
    });
    const read =
      unreadOnly || unread.length >= first
        ? []
        : await this.prisma.notification.findMany({
            where: { orgId, readAt: { not: null } },
            orderBy: newestFirst,
            take: first - unread.length,
          });
    return [...unread, ...read].map(view);
  }

  /** Marks one read for the whole organization (idempotent: an already read one keeps its time). */
  async markRead(actor: Actor, notificationId: string, now: Date = new Date()): Promise<NotificationView> {
    parseInput(z.uuid(), notificationId);
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM notifications
        WHERE id = ${notificationId}::uuid AND org_id = ${actor.orgId}::uuid FOR UPDATE`;
      if (!row) throw notificationNotFound();
      const current = await tx.notification.findUniqueOrThrow({ where: { id: notificationId } });
      if (current.readAt) return view(current);
      const updated = await tx.notification.update({ where: { id: notificationId }, data: { readAt: now } });
      await this.audit.record(tx, actor, {
        action: 'notification.read',
        targetType: 'Notification',
        targetId: notificationId,
        metadata: { kind: updated.kind },
      });
      return view(updated);
    });
  }
}

function view(row: Notification): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    message: row.message,
    data: (row.data ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}
