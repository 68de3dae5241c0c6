import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { actorOf, type Principal } from '@streamplane/auth';
import { PrismaService, Role, type Prisma } from '@streamplane/db';
import { parseInput } from '@streamplane/errors';
import { z } from 'zod';
import { OrgError, OrgErrorCode } from './orgs.errors';

const ChangeRoleInput = z.strictObject({ memberId: z.uuid(), role: z.enum(Role) });
export type ChangeRoleInput = z.input<typeof ChangeRoleInput>;

const memberWithUser = { user: { select: { id: true, email: true, name: true } } } as const;

@Injectable()
export class MembersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
  ) {}

  list(orgId: string) {
    return this.prisma.membership.findMany({
      where: { orgId },
      include: memberWithUser,
      orderBy: { createdAt: 'asc' },
    });
  }

  /**
   * ADMINs manage MEMBERs and VIEWERs; only an OWNER may make or unmake an OWNER or an ADMIN's peer;
   * the last OWNER can never be demoted, so an organization always has someone who can run it.
   */
  async changeRole(principal: Principal, raw: ChangeRoleInput) {
    const { memberId, role } = parseInput(ChangeRoleInput, raw);
    return this.prisma.$transaction(async (tx) => {
      const member = await this.lockMember(tx, principal.orgId, memberId);
      this.assertMayManage(principal, member.role, role);
      if (member.role === Role.OWNER && role !== Role.OWNER)
        await this.assertNotLastOwner(tx, principal.orgId);
      if (member.role === role)
        return tx.membership.findUniqueOrThrow({ where: { id: member.id }, include: memberWithUser });
      const updated = await tx.membership.update({
        where: { id: member.id },
        data: { role },
        include: memberWithUser,
      });
      await this.audit.record(tx, actorOf(principal), {
        action: 'member.change_role',
        targetType: 'Membership',
        targetId: member.id,
        metadata: { userId: member.userId, from: member.role, to: role },
      });
      return updated;
    });
  }

  async remove(principal: Principal, memberId: string) {
    parseInput(z.uuid(), memberId);
    return this.prisma.$transaction(async (tx) => {
      const member = await this.lockMember(tx, principal.orgId, memberId);
      this.assertMayManage(principal, member.role, member.role);
      if (member.role === Role.OWNER) await this.assertNotLastOwner(tx, principal.orgId);
      const removed = await tx.membership.findUniqueOrThrow({
        where: { id: member.id },
        include: memberWithUser,
      });
      await tx.membership.delete({ where: { id: member.id } });
      // Their sessions in this organization end now, not when the access token expires.
      await tx.session.updateMany({
        where: { userId: member.userId, orgId: principal.orgId, revokedAt: null },
        data: { revokedAt: new Date(), revokedReason: 'MEMBERSHIP_REMOVED' },
      });
      await this.audit.record(tx, actorOf(principal), {
        action: 'member.remove',
        targetType: 'Membership',
        targetId: member.id,
        metadata: { userId: member.userId, role: member.role },
      });
      return removed;
    });
  }

  /** Row lock: two concurrent demotions of the last two OWNERs cannot both succeed. */
  private async lockMember(tx: Prisma.TransactionClient, orgId: string, memberId: string) {
    await tx.$queryRaw`SELECT id FROM memberships WHERE org_id = ${orgId}::uuid AND role = 'OWNER' FOR UPDATE`;
    const member = await tx.membership.findFirst({ where: { id: memberId, orgId } });
    if (!member) throw new OrgError(OrgErrorCode.MEMBER_NOT_FOUND, 'No such member in this organization.');
    return member;
  }

  private assertMayManage(principal: Principal, currentRole: Role, newRole: Role): void {
    if (principal.role === Role.OWNER) return;
    if ([currentRole, newRole].some((r) => r === Role.OWNER || r === Role.ADMIN)) {
      throw new OrgError(OrgErrorCode.OWNER_ONLY, 'Only an OWNER can change or remove OWNERs and ADMINs.');
    }
  }

  private async assertNotLastOwner(tx: Prisma.TransactionClient, orgId: string): Promise<void> {
    const owners = await tx.membership.count({ where: { orgId, role: Role.OWNER } });
    if (owners <= 1) {
      throw new OrgError(
        OrgErrorCode.LAST_OWNER,
        'The last OWNER cannot be removed or demoted. Make someone else OWNER first.',
      );
    }
  }
}
