import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { actorOf, type Principal } from '@streamplane/auth';
import { PrismaService, type Organization } from '@streamplane/db';
import { displayName, parseInput } from '@streamplane/errors';
import { z } from 'zod';
import { OrgError, OrgErrorCode } from './orgs.errors';

const UpdateOrganizationInput = z.strictObject({ name: displayName(100) });
export type UpdateOrganizationInput = z.input<typeof UpdateOrganizationInput>;

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
  ) {}

  async get(orgId: string): Promise<Organization> {
    const organization = await this.prisma.organization.findUnique({ where: { id: orgId } });
    if (!organization)
      throw new OrgError(OrgErrorCode.ORGANIZATION_NOT_FOUND, 'The organization no longer exists.');
    return organization;
  }

  /** Every organization the user belongs to, with their role there (for the organization switcher). */
  listForUser(userId: string) {
    return this.prisma.membership.findMany({
      where: { userId },
      include: { org: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  async update(principal: Principal, raw: UpdateOrganizationInput): Promise<Organization> {
    const { name } = parseInput(UpdateOrganizationInput, raw);
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.organization.findUniqueOrThrow({ where: { id: principal.orgId } });
      const updated = await tx.organization.update({ where: { id: principal.orgId }, data: { name } });
      await this.audit.record(tx, actorOf(principal), {
        action: 'organization.update',
        targetType: 'Organization',
        targetId: principal.orgId,
        metadata: { from: before.name, to: name },
      });
      return updated;
    });
  }
}
