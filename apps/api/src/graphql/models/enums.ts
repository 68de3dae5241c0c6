import { registerEnumType } from '@nestjs/graphql';
import { ActorType, ApiTokenScope, CloudAccountStatus, CloudProvider, Role } from '@streamplane/db';

registerEnumType(Role, { name: 'Role', description: 'OWNER > ADMIN > MEMBER > VIEWER. VIEWERs only read.' });
registerEnumType(ApiTokenScope, {
  name: 'ApiTokenScope',
  description:
    'READ acts as a VIEWER, WRITE as a MEMBER, ADMIN as an ADMIN — never above the creator’s own role.',
});
registerEnumType(ActorType, { name: 'ActorType' });
registerEnumType(CloudProvider, { name: 'CloudProvider' });
registerEnumType(CloudAccountStatus, {
  name: 'CloudAccountStatus',
  description: 'The outcome of the last verification; PENDING until the first one.',
});

export { ActorType, ApiTokenScope, CloudAccountStatus, CloudProvider, Role };
