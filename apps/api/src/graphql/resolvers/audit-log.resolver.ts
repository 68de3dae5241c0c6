import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { AuditLogService } from '@streamplane/audit';
import type { Principal } from '@streamplane/auth';
import { Role } from '@streamplane/db';
import { CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import { AuditLogPageModel } from '../models/audit-log.model';

@Resolver(() => AuditLogPageModel)
export class AuditLogResolver {
  constructor(private readonly log: AuditLogService) {}

  @RequireRole(Role.ADMIN)
  @Query(() => AuditLogPageModel, {
    description: 'Newest first. Filter by exact action, e.g. "member.remove".',
  })
  async auditLog(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('action', { type: () => String, nullable: true }) action?: string,
  ): Promise<AuditLogPageModel> {
    const page = await this.log.list(principal.orgId, {
      first,
      after: after ?? undefined,
      action: action ?? undefined,
    });
    return {
      nextCursor: page.nextCursor,
      entries: page.entries.map((row) => ({
        ...row,
        id: row.id.toString(),
        metadata: row.metadata as Record<string, unknown>,
      })),
    };
  }
}
