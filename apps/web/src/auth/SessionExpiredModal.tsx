import { Modal, Text } from '@mantine/core';
import { useSession } from './session';
import { SignInForm } from './SignInPage';

/**
 * When the session could not be refreshed (it ended, or was revoked), this covers the page instead of
 * leaving it: signing in again as the same person keeps the page and whatever was typed into it.
 */
export function SessionExpiredModal() {
  const session = useSession();
  return (
    <Modal
      opened={session.expired}
      onClose={() => undefined}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      title="Your session has ended"
      centered
    >
      <Text size="sm" mb="md">
        Sign in again to carry on where you were. Nothing on this page is lost.
      </Text>
      <SignInForm
        email={session.viewer?.user.email}
        submitLabel="Sign in and continue"
        onSignedIn={({ userId }) => session.resumed(userId)}
      />
    </Modal>
  );
}
