import { graphql } from '../generated';

export const membersQuery = graphql(`
  query Members {
    members {
      id
      role
      joinedAt
      user {
        id
        name
        email
      }
    }
  }
`);

export const changeMemberRoleMutation = graphql(`
  mutation ChangeMemberRole($memberId: ID!, $role: Role!) {
    changeMemberRole(memberId: $memberId, role: $role) {
      id
      role
    }
  }
`);

export const removeMemberMutation = graphql(`
  mutation RemoveMember($memberId: ID!) {
    removeMember(memberId: $memberId) {
      id
    }
  }
`);

export const invitationsQuery = graphql(`
  query Invitations {
    invitations {
      id
      email
      role
      createdAt
      expiresAt
      expired
    }
  }
`);

export const inviteMemberMutation = graphql(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      link
      invitation {
        id
        email
        role
        expiresAt
      }
    }
  }
`);

export const revokeInvitationMutation = graphql(`
  mutation RevokeInvitation($invitationId: ID!) {
    revokeInvitation(invitationId: $invitationId) {
      id
    }
  }
`);

export const apiTokensQuery = graphql(`
  query ApiTokens {
    apiTokens {
      id
      name
      prefix
      scopes
      createdAt
      createdById
      expiresAt
      lastUsedAt
      revokedAt
    }
  }
`);

export const createApiTokenMutation = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      secret
      apiToken {
        id
        name
        prefix
        scopes
        expiresAt
      }
    }
  }
`);

export const revokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($tokenId: ID!) {
    revokeApiToken(tokenId: $tokenId) {
      id
      revokedAt
    }
  }
`);

export const auditLogQuery = graphql(`
  query AuditLog($action: String, $after: String, $first: Int!) {
    auditLog(action: $action, after: $after, first: $first) {
      entries {
        id
        action
        actorId
        actorType
        createdAt
        ip
        metadata
        requestId
        targetId
        targetType
      }
      nextCursor
    }
  }
`);

export const updateOrganizationMutation = graphql(`
  mutation UpdateOrganization($input: UpdateOrganizationInput!) {
    updateOrganization(input: $input) {
      id
      name
      slug
    }
  }
`);
