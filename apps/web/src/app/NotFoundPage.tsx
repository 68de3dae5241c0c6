import { Button, EmptyState } from '@mantine/core';
import { IconMapQuestion } from '@tabler/icons-react';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <EmptyState
      mt="xl"
      icon={<IconMapQuestion size={28} aria-hidden />}
      title="There is no page here"
      description="The address may be mistyped, or what it showed was removed."
    >
      <Button component={Link} to="/" variant="light">
        Go to the overview
      </Button>
    </EmptyState>
  );
}
