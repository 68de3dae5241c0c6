import { Alert, Button, Code, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { toApiError } from '../api/api-error';
import { describeError } from '../api/error-messages';

/** An error from the api, told as what to do, with the api's detail and the request id for support. */
export function ErrorAlert(props: { error: unknown; title?: string; onRetry?: () => void }) {
  const described = describeError(toApiError(props.error));
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={18} aria-hidden />}
      title={props.title ?? described.advice}
      role="alert"
    >
      <Stack gap={6}>
        {props.title && <Text size="sm">{described.advice}</Text>}
        {described.detail && (
          <Text size="sm" data-testid="error-detail">
            {described.detail}
          </Text>
        )}
        {described.requestId && (
          <Text size="xs" c="dimmed">
            Request id <Code>{described.requestId}</Code>
          </Text>
        )}
        {props.onRetry && (
          <div>
            <Button size="xs" variant="light" color="red" onClick={props.onRetry}>
              Try again
            </Button>
          </div>
        )}
      </Stack>
    </Alert>
  );
}
