import { graphql } from '../generated';
import type { Role } from '../generated/graphql';

export const viewerQuery = graphql(`
  query Viewer {
    me {
      role
      principalType
      user {
        id
        email
        name
      }
      organization {
        id
        name
        slug
      }
      organizations {
        role
        organization {
          id
          name
          slug
        }
      }
    }
  }
`);

export interface Viewer {
  role: Role;
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string; slug: string };
  organizations: { role: Role; organization: { id: string; name: string; slug: string } }[];
}
