import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Grid,
  Group,
  Modal,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconReceipt } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatDecimal, formatMoney, formatPrice, shiftDecimal } from '../components/format';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import { formatDateTime, RelativeTime } from '../components/RelativeTime';
import type { CurrentPeriodEstimateQuery } from '../generated/graphql';
import {
  creditBalanceQuery,
  currentPeriodEstimateQuery,
  invoiceQuery,
  invoicesQuery,
  markNotificationReadMutation,
  notificationsQuery,
  pricePlanQuery,
} from './billing.graphql';
import { monthOf, percentOf } from './billing-model';

/** Bytes are billed per byte but read per GB (10^9 bytes), exactly. */
function lineQuantity(quantity: string, unit: string): string {
  return unit === 'byte'
    ? `${formatDecimal(shiftDecimal(quantity, -9), 3)} GB`
    : `${formatDecimal(quantity, 3)} ${unit}`;
}

function lineUnitPrice(unitPriceMinor: string, unit: string): string {
  const cents = unit === 'byte' ? shiftDecimal(unitPriceMinor, 9) : unitPriceMinor;
  return `${formatDecimal(cents, 6)}¢${unit === 'byte' ? ' per GB' : ''}`;
}

/** Credits taken off an amount: "−$12.00", or "$0.00" when none. */
function formatCredit(money: { minor: string; currency: string; amount: string }): string {
  return BigInt(money.minor) > 0n ? `−${formatMoney(money)}` : formatMoney(money);
}

type Line = CurrentPeriodEstimateQuery['currentPeriodEstimate']['lines'][number];

export function BillingPage() {
  const { role } = useSession();
  return (
    <>
      <PageHeader
        title="Billing"
        description="Credits, this month's charges so far, your prices and invoices. Amounts are exact; credits are used before anything is charged."
      />
      <Stack gap="lg">
        <Notifications />
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 5 }}>
            <CreditsCard />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <EstimateSummary />
          </Grid.Col>
        </Grid>
        <EstimateLines />
        {can(role, 'Query.invoices') ? (
          <Invoices />
        ) : (
          <Text size="sm" c="dimmed">
            Invoices are visible to admins and owners of your organization.
          </Text>
        )}
        <PricePlan />
      </Stack>
    </>
  );
}

function Notifications() {
  const { role } = useSession();
  const [result, reexecute] = useQuery({ query: notificationsQuery });
  const [, markRead] = useMutation(markNotificationReadMutation);
  const notifications = result.data?.notifications ?? [];
  if (notifications.length === 0) return null;
  return (
    <Stack gap="xs">
      {notifications.map((notification) => (
        <Alert
          key={notification.id}
          color={notification.kind === 'CREDITS_EXHAUSTED' ? 'red' : 'yellow'}
          variant="light"
          icon={<IconAlertTriangle size={18} aria-hidden />}
          title={notification.kind === 'CREDITS_EXHAUSTED' ? 'Credits used up' : 'Credits running low'}
        >
          <Group justify="space-between">
            <Text size="sm">{notification.message}</Text>
            {can(role, 'Mutation.markNotificationRead') && (
              <Button
                size="xs"
                variant="subtle"
                onClick={() =>
                  void markRead({ notificationId: notification.id }).then(() =>
                    reexecute({ requestPolicy: 'network-only' }),
                  )
                }
              >
                Dismiss
              </Button>
            )}
          </Group>
        </Alert>
      ))}
    </Stack>
  );
}

export function CreditsCard() {
  const [result, reexecute] = useQuery({ query: creditBalanceQuery });
  return (
    <Card p="lg" h="100%" data-testid="credit-balance">
      <Title order={2} size="h4" mb="md">
        Credits
      </Title>
      <QueryView result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {({ creditBalance }) => {
          const left = percentOf(creditBalance.remaining.minor, creditBalance.granted.minor);
          return (
            <Stack gap="sm">
              <Group justify="space-between" align="flex-end">
                <div>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    Remaining
                  </Text>
                  <Text fz={28} fw={700} data-testid="credits-remaining">
                    {formatMoney(creditBalance.remaining)}
                  </Text>
                </div>
                <Text size="sm" c="dimmed">
                  of {formatMoney(creditBalance.granted)} granted
                </Text>
              </Group>
              <Progress
                value={left}
                color={left < 25 ? 'orange' : 'teal'}
                aria-label={`${Math.round(left)}% of credits left`}
              />
              <Group justify="space-between">
                <Text size="sm">Used {formatMoney(creditBalance.used)}</Text>
                {creditBalance.nextExpiry && (
                  <Text size="sm" c="dimmed">
                    Next expiry {formatDateTime(creditBalance.nextExpiry).slice(0, 10)}
                  </Text>
                )}
              </Group>
              {creditBalance.grants.length > 0 && (
                <Table fz="xs" verticalSpacing={4} aria-label="Credit grants">
                  <Table.Tbody>
                    {creditBalance.grants.map((grant) => (
                      <Table.Tr key={grant.id} opacity={grant.expired ? 0.55 : 1}>
                        <Table.Td>{grant.reason}</Table.Td>
                        <Table.Td>{formatMoney(grant.amount)}</Table.Td>
                        <Table.Td>
                          {grant.expired ? 'expired' : `${formatMoney(grant.remaining)} left`}
                        </Table.Td>
                        <Table.Td c="dimmed">until {grant.expiresAt.slice(0, 10)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Stack>
          );
        }}
      </QueryView>
    </Card>
  );
}

function useEstimate() {
  const [result, reexecute] = useQuery({ query: currentPeriodEstimateQuery });
  useEffect(() => {
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), 30_000);
    return () => clearInterval(timer);
  }, [reexecute]);
  return [result, reexecute] as const;
}

function EstimateSummary() {
  const [result, reexecute] = useEstimate();
  return (
    <Card p="lg" h="100%" data-testid="period-estimate">
      <QueryView result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {({ currentPeriodEstimate: estimate }) => (
          <Stack gap="sm">
            <Group justify="space-between">
              <Title order={2} size="h4">
                {monthOf(estimate.periodStart)} so far
              </Title>
              <Badge variant="light" color="gray">
                estimate
              </Badge>
            </Group>
            <Group grow align="flex-start">
              <Figure label="Usage" value={formatMoney(estimate.subtotal)} />
              <Figure label="Paid by credits" value={formatCredit(estimate.creditsApplied)} />
              <Figure label="To pay" value={formatMoney(estimate.total)} strong testId="estimate-total" />
            </Group>
            <Text size="xs" c="dimmed">
              As the invoice would be if the month ended now (computed{' '}
              <RelativeTime value={estimate.computedAt} />
              ).
              {estimate.pendingHours > 0 &&
                ` ${estimate.pendingHours} hour${estimate.pendingHours === 1 ? ' is' : 's are'} still being rolled up; they are included once counted.`}
            </Text>
          </Stack>
        )}
      </QueryView>
    </Card>
  );
}

function Figure(props: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500}>
        {props.label}
      </Text>
      <Text fz={props.strong ? 22 : 18} fw={props.strong ? 700 : 600} data-testid={props.testId}>
        {props.value}
      </Text>
    </div>
  );
}

function EstimateLines() {
  const [result] = useEstimate();
  const lines = result.data?.currentPeriodEstimate.lines ?? [];
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb="md">
        This month's charges
      </Title>
      {result.error && !result.data ? (
        <ErrorAlert error={result.error} />
      ) : lines.length === 0 ? (
        <Text size="sm" c="dimmed">
          {result.fetching && !result.data ? 'Loading…' : 'No charges yet this month.'}
        </Text>
      ) : (
        <InvoiceLines lines={lines} />
      )}
    </Card>
  );
}

export function InvoiceLines({ lines }: { lines: Line[] }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table fz="sm" aria-label="Invoice lines" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Deployment</Table.Th>
            <Table.Th>Dimension</Table.Th>
            <Table.Th ta="right">Quantity</Table.Th>
            <Table.Th ta="right">Unit price</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((line) => (
            <Table.Tr key={`${line.deploymentId}-${line.dimension}-${line.usagePeriodStart}`}>
              <Table.Td>{line.deploymentName}</Table.Td>
              <Table.Td>
                {line.dimensionName}
                {line.late && (
                  <Text size="xs" c="orange.8">
                    {line.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right">{lineQuantity(line.quantity, line.unit)}</Table.Td>
              <Table.Td ta="right">{lineUnitPrice(line.unitPriceMinor, line.unit)}</Table.Td>
              <Table.Td ta="right" fw={500}>
                {formatMoney(line.amount)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Invoices() {
  const [result, reexecute] = useQuery({ query: invoicesQuery, variables: { first: 24 } });
  const [open, setOpen] = useState<string>();
  return (
    <Card p="lg" data-testid="invoices">
      <Title order={2} size="h4" mb="md">
        Invoices
      </Title>
      <QueryView result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {({ invoices }) =>
          invoices.items.length === 0 ? (
            <EmptyState
              size="sm"
              icon={<IconReceipt size={24} aria-hidden />}
              title="No invoices yet"
              description="The first one is drafted when usage arrives, and finalized when the month ends."
            />
          ) : (
            <Table aria-label="Invoices" verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Invoice</Table.Th>
                  <Table.Th>Period</Table.Th>
                  <Table.Th ta="right">Usage</Table.Th>
                  <Table.Th ta="right">Credits</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invoices.items.map((invoice) => (
                  <Table.Tr key={invoice.id}>
                    <Table.Td>
                      <Anchor component="button" type="button" onClick={() => setOpen(invoice.id)}>
                        {invoice.number ?? `Draft ${monthOf(invoice.periodStart)}`}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{monthOf(invoice.periodStart)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(invoice.subtotal)}</Table.Td>
                    <Table.Td ta="right">{formatCredit(invoice.creditsApplied)}</Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {formatMoney(invoice.total)}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={invoice.status === 'DRAFT' ? 'gray' : 'teal'}>
                        {invoice.status.toLowerCase()}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryView>
      <Modal opened={open !== undefined} onClose={() => setOpen(undefined)} title="Invoice" size="xl">
        {open && <InvoiceDetail invoiceId={open} />}
      </Modal>
    </Card>
  );
}

function InvoiceDetail({ invoiceId }: { invoiceId: string }) {
  const [result, reexecute] = useQuery({ query: invoiceQuery, variables: { invoiceId } });
  return (
    <QueryView result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
      {({ invoice }) => (
        <Stack gap="md" data-testid="invoice-detail">
          <Group justify="space-between">
            <div>
              <Text fw={650}>{invoice.number ?? 'Draft (not final)'}</Text>
              <Text size="sm" c="dimmed">
                {monthOf(invoice.periodStart)} · plan {invoice.planId}
                {invoice.finalizedAt
                  ? ` · finalized ${formatDateTime(invoice.finalizedAt)}`
                  : ' · recomputed as usage arrives'}
              </Text>
            </div>
            <Badge variant="light" color={invoice.status === 'DRAFT' ? 'gray' : 'teal'}>
              {invoice.status.toLowerCase()}
            </Badge>
          </Group>
          {invoice.lines.length > 0 ? (
            <InvoiceLines lines={invoice.lines} />
          ) : (
            <Text size="sm" c="dimmed">
              No lines.
            </Text>
          )}
          <Stack gap={2} align="flex-end">
            <Text size="sm">Subtotal {formatMoney(invoice.subtotal)}</Text>
            <Text size="sm">Credits applied {formatCredit(invoice.creditsApplied)}</Text>
            <Text fw={700}>Total {formatMoney(invoice.total)}</Text>
          </Stack>
        </Stack>
      )}
    </QueryView>
  );
}

function PricePlan() {
  const [result] = useQuery({ query: pricePlanQuery });
  if (!result.data) return result.error ? <ErrorAlert error={result.error} /> : null;
  const { pricePlan } = result.data;
  return (
    <Card p="lg">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Prices: {pricePlan.name}
        </Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {pricePlan.description}
      </Text>
      <Table fz="sm" aria-label="Unit prices" verticalSpacing={4}>
        <Table.Tbody>
          {pricePlan.prices.map((price) => (
            <Table.Tr key={price.dimension}>
              <Table.Td>{price.dimensionName}</Table.Td>
              <Table.Td ta="right">
                {price.unit === 'byte'
                  ? `${formatPrice(shiftDecimal(price.unitPrice, 9))} per GB`
                  : `${formatPrice(price.unitPrice)} per ${price.unit}`}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
