export * from './invitations.service';
export * from './members.service';
export * from './organizations.service';
export * from './orgs.errors';
export * from './orgs.module';
