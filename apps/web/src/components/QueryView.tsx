import { Center, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, type ReactNode } from 'react';
import { toApiError } from '../api/api-error';
import { endsSession } from '../api/error-messages';
import { useSession } from '../auth/session';
import type { CombinedError } from 'urql';
import { ErrorAlert } from './ErrorAlert';

interface Result<T> {
  data?: T | null;
  fetching: boolean;
  error?: CombinedError;
}

/**
 * Loading, error and data states of one query. Data already shown stays while it is re-read; an error
 * with no data offers to try again.
 */
export function QueryView<T>(props: {
  result: Result<T>;
  retry?: () => void;
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}) {
  const { data, error, fetching } = props.result;
  // A query refused while the session had ended is asked again once the person has signed in again.
  const { liveEpoch, expired } = useSession();
  const retry = useRef(props.retry);
  retry.current = props.retry;
  const failed = useRef(false);
  failed.current = Boolean(error);
  const seenEpoch = useRef(liveEpoch);
  useEffect(() => {
    if (liveEpoch === seenEpoch.current) return;
    seenEpoch.current = liveEpoch;
    if (failed.current) retry.current?.();
  }, [liveEpoch]);
  if (data) return <>{props.children(data)}</>;
  // Refused because the session ended: the sign-in dialog is up, and the query is asked again after it.
  if (error && expired && endsSession(toApiError(error)))
    return <LoadingState label="Waiting for you to sign in again…" />;
  if (error) return <ErrorAlert error={error} onRetry={props.retry} />;
  if (fetching) return <LoadingState label={props.loadingLabel} />;
  return <ErrorAlert error={new Error('No answer from the api.')} onRetry={props.retry} />;
}

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="sm" aria-hidden />
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}
