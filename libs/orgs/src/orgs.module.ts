import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { InvitationsService } from './invitations.service';
import { MembersService } from './members.service';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [AuditModule],
  providers: [InvitationsService, MembersService, OrganizationsService],
  exports: [InvitationsService, MembersService, OrganizationsService],
})
export class OrgsModule {}
