import {
  Autocomplete,
  Badge,
  Button,
  Card,
  Code,
  EmptyState,
  Group,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useQuery } from 'urql';
import { ErrorAlert } from '../components/ErrorAlert';
import { LoadingState } from '../components/QueryView';
import { formatDateTime, RelativeTime } from '../components/RelativeTime';
import type { AuditLogQuery } from '../generated/graphql';
import { auditLogQuery } from './organization.graphql';

/** Actions the api records; the filter suggests them (any exact action can be typed). */
export const KNOWN_ACTIONS = [
  'auth.signup',
  'auth.login',
  'auth.logout',
  'auth.switch_organization',
  'organization.update',
  'member.change_role',
  'member.remove',
  'invitation.create',
  'invitation.accept',
  'invitation.revoke',
  'api_token.create',
  'api_token.revoke',
  'cloud_account.connect',
  'cloud_account.update',
  'cloud_account.verify',
  'cloud_account.session',
  'cloud_account.delete',
  'deployment.create',
  'deployment.scale',
  'deployment.destroy',
  'operation.retry',
  'operation.cancel',
  'upgrade.propose',
  'upgrade.approve',
  'upgrade.decline',
  'credits.grant',
  'notification.read',
];

type Entry = AuditLogQuery['auditLog']['entries'][number];

const PAGE = 50;

export function AuditLogTab() {
  const [action, setAction] = useState('');
  const [debounced] = useDebouncedValue(action.trim(), 300);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const filter = debounced || undefined;
  return (
    <Stack gap="md">
      <Group align="flex-end">
        <Autocomplete
          label="Action"
          placeholder="All actions"
          data={KNOWN_ACTIONS}
          value={action}
          onChange={(value) => {
            setAction(value);
            setCursors([undefined]);
          }}
          w={300}
          clearable
        />
        <Text size="sm" c="dimmed" pb={6}>
          Newest first. Every change anyone made, with who, from where, and the request id.
        </Text>
      </Group>
      <Card p={0}>
        <Table.ScrollContainer minWidth={820}>
          <Table aria-label="Audit log" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cursors.map((after, index) => (
                <AuditPage
                  key={`${filter ?? ''}-${after ?? 'first'}`}
                  action={filter}
                  after={after}
                  onMore={
                    index === cursors.length - 1
                      ? (next) => setCursors((current) => [...current, next])
                      : undefined
                  }
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}

/** One page of entries, as table rows (its loading and error states too, so the table stays valid HTML). */
function AuditPage(props: { action?: string; after?: string; onMore?: (cursor: string) => void }) {
  const [result, reexecute] = useQuery({
    query: auditLogQuery,
    variables: { action: props.action, after: props.after, first: PAGE },
  });
  const auditLog = result.data?.auditLog;
  if (!auditLog) {
    return (
      <Table.Tr>
        <Table.Td colSpan={5}>
          {result.error ? (
            <ErrorAlert error={result.error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
          ) : (
            <LoadingState label="Loading the audit log…" />
          )}
        </Table.Td>
      </Table.Tr>
    );
  }
  return (
    <>
      {auditLog.entries.length === 0 && !props.after && (
        <Table.Tr>
          <Table.Td colSpan={5}>
            <EmptyState
              size="sm"
              title="Nothing recorded"
              description={props.action ? `No “${props.action}” entries.` : 'No entries yet.'}
            />
          </Table.Td>
        </Table.Tr>
      )}
      {auditLog.entries.map((entry) => (
        <AuditRow key={entry.id} entry={entry} />
      ))}
      {auditLog.nextCursor && props.onMore && (
        <Table.Tr>
          <Table.Td colSpan={5} ta="center">
            <Button variant="subtle" size="xs" onClick={() => props.onMore?.(auditLog.nextCursor!)}>
              Load older entries
            </Button>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

function AuditRow({ entry }: { entry: Entry }) {
  const details = Object.entries(entry.metadata)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('  ');
  return (
    <Table.Tr>
      <Table.Td>
        <Tooltip label={formatDateTime(entry.createdAt)}>
          <Text size="sm">
            <RelativeTime value={entry.createdAt} />
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Code>{entry.action}</Code>
      </Table.Td>
      <Table.Td>
        <Badge
          size="sm"
          variant="light"
          color={
            entry.actorType === 'SYSTEM' ? 'gray' : entry.actorType === 'API_TOKEN' ? 'orange' : 'indigo'
          }
        >
          {entry.actorType === 'API_TOKEN' ? 'API token' : entry.actorType.toLowerCase()}
        </Badge>
        {entry.ip && (
          <Text size="xs" c="dimmed">
            {entry.ip}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="xs">{entry.targetType ?? '—'}</Text>
        {entry.targetId && (
          <Text size="xs" c="dimmed" className="sp-mono">
            {entry.targetId.slice(0, 8)}
          </Text>
        )}
      </Table.Td>
      <Table.Td maw={380}>
        <Text size="xs" c="dimmed" lineClamp={2} className="sp-mono" title={details}>
          {details || '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
