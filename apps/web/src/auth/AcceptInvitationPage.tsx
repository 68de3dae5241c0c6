import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconMailOpened } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import type { ApiError } from '../api/api-error';
import { toApiError } from '../api/api-error';
import { unwrap } from '../api/forms';
import { ErrorAlert } from '../components/ErrorAlert';
import { LoadingState } from '../components/QueryView';
import { graphql } from '../generated';
import { AuthLayout } from './AuthLayout';
import { useSession } from './session';

const acceptInvitationMutation = graphql(`
  mutation AcceptInvitation($token: String!) {
    acceptInvitation(token: $token) {
      role
      organization {
        id
        name
      }
    }
  }
`);

/** The invitation link (`/invitations/accept?token=…`): join the organization, then act in it. */
export function AcceptInvitationPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get('token') ?? '';
  const [, accept] = useMutation(acceptInvitationMutation);
  const [error, setError] = useState<ApiError>();
  const [joining, setJoining] = useState(false);
  const here = `/invitations/accept?token=${encodeURIComponent(token)}`;

  if (!token) {
    return (
      <AuthLayout title="Invitation link incomplete">
        <Text size="sm">
          This link has no invitation in it. Copy the whole link you were sent and open it again.
        </Text>
      </AuthLayout>
    );
  }
  if (session.status === 'loading') return <LoadingState label="Checking your session…" />;
  if (session.status === 'signed-out') {
    return (
      <AuthLayout
        title="You are invited to Streamplane"
        subtitle="Sign in, or create an account, with the email address the invitation was sent to; you will come back here to join."
      >
        <Group grow>
          <Button component={Link} to={`/sign-in?next=${encodeURIComponent(here)}`}>
            Sign in
          </Button>
          <Button component={Link} to={`/sign-up?next=${encodeURIComponent(here)}`} variant="light">
            Create an account
          </Button>
        </Group>
      </AuthLayout>
    );
  }

  const join = async () => {
    setJoining(true);
    setError(undefined);
    try {
      const data = unwrap(await accept({ token }));
      await session.switchOrganization(data.acceptInvitation.organization.id);
      void navigate('/', { replace: true });
    } catch (caught) {
      setError(toApiError(caught));
      setJoining(false);
    }
  };

  return (
    <AuthLayout title="Join an organization">
      <Stack gap="md">
        <Alert variant="light" icon={<IconMailOpened size={18} aria-hidden />}>
          You are signed in as <strong>{session.viewer?.user.email}</strong>. Joining adds you to the
          organization that invited you, with the role it chose; you keep your other organizations.
        </Alert>
        {error && <ErrorAlert error={error} />}
        <Group justify="space-between">
          <Button variant="subtle" component={Link} to="/">
            Not now
          </Button>
          <Button onClick={() => void join()} loading={joining}>
            Join organization
          </Button>
        </Group>
      </Stack>
    </AuthLayout>
  );
}
