import { randomUUID } from 'node:crypto';
import { expectOk, uniqueEmail, type ApiClient, type SignedUp, type TestApi } from './harness';

/**
 * People, invitations and API tokens in an organization, set up through the api as a user would. These are
 * fixtures: each throws unless its calls succeed, so a test fails at the step that broke, not later.
 */

/** An API token created by `client` with `scopes`; its secret is shown once, here. */
export async function createToken(
  client: ApiClient,
  scopes: string[],
  name = `token ${randomUUID().slice(0, 8)}`,
): Promise<{ id: string; prefix: string; secret: string; name: string }> {
  const data = expectOk(
    await client.gql(
      'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret apiToken { id prefix } } }',
      { input: { name, scopes } },
    ),
    'creating an API token',
  );
  const { apiToken, secret } = data.createApiToken as {
    apiToken: { id: string; prefix: string };
    secret: string;
  };
  return { id: apiToken.id, prefix: apiToken.prefix, secret, name };
}

/** `inviter` invites `email` as `role`: the invitation, and the token its link carries. */
export async function invite(
  inviter: ApiClient,
  email: string,
  role: string,
): Promise<{ invitationId: string; token: string }> {
  const invited = expectOk(
    await inviter.gql(
      'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { link invitation { id } } }',
      { input: { email, role } },
    ),
    `inviting ${email} as ${role}`,
  );
  const token = new URL(invited.inviteMember.link as string).searchParams.get('token');
  if (!token) throw new Error(`the invitation link has no token: ${invited.inviteMember.link}`);
  return { invitationId: invited.inviteMember.invitation.id, token };
}

export interface Joined {
  /** Signed in, and acting in the organization joined. */
  client: ApiClient;
  /** The sign-up, which also made the person an organization of their own. */
  signedUp: SignedUp;
  email: string;
  /** The membership in the organization joined. */
  membershipId: string;
}

/**
 * A new person in `inviter`'s organization `orgId` as `role`, the way people join: invited by email, signed
 * up with that email, the invitation accepted, and the session switched into the organization.
 */
export async function joinAs(api: TestApi, inviter: ApiClient, orgId: string, role: string): Promise<Joined> {
  const email = uniqueEmail(role.toLowerCase());
  const { token } = await invite(inviter, email, role);
  const client = api.client();
  const signedUp = await client.signup({ email, organizationName: `Own org of ${email}` });
  expectOk(
    await client.gql('mutation($token: String!) { acceptInvitation(token: $token) { role } }', { token }),
    `accepting the invitation as ${role}`,
  );
  const switched = await client.post('/v1/auth/switch-organization', { organizationId: orgId });
  if (switched.status !== 200) throw new Error(`switching failed: ${JSON.stringify(switched.body)}`);
  return { client, signedUp, email, membershipId: await membershipIdOf(inviter, email) };
}

/** The id of `email`'s membership in the organization `client` acts in. */
export async function membershipIdOf(client: ApiClient, email: string): Promise<string> {
  const members = expectOk(await client.gql('{ members { id user { email } } }'), 'listing members');
  const membership = (members.members as { id: string; user: { email: string } }[]).find(
    (m) => m.user.email === email,
  );
  if (!membership) throw new Error(`${email} is not a member: ${JSON.stringify(members.members)}`);
  return membership.id;
}

/** An AWS cloud account connected by `client` (an ADMIN or OWNER), with its generated external id. */
export async function connectAwsAccount(
  client: ApiClient,
  overrides: { name?: string; roleArn?: string; allowedRegions?: string[] } = {},
): Promise<{ id: string; name: string; roleArn: string; externalId: string }> {
  const input = {
    name: `AWS ${randomUUID().slice(0, 8)}`,
    roleArn: 'arn:aws:iam::123456789012:role/streamplane-provisioner',
    allowedRegions: ['eu-west-1'],
    ...overrides,
  };
  const data = expectOk(
    await client.gql(
      'mutation($input: ConnectAwsAccountInput!) { connectAwsAccount(input: $input) { id name aws { roleArn externalId } } }',
      { input },
    ),
    'connecting an AWS account',
  );
  const account = data.connectAwsAccount as {
    id: string;
    name: string;
    aws: { roleArn: string; externalId: string };
  };
  return {
    id: account.id,
    name: account.name,
    roleArn: account.aws.roleArn,
    externalId: account.aws.externalId,
  };
}
