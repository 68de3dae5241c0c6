import { Card, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { ErrorAlert } from '../components/ErrorAlert';
import type { MetersQuery } from '../generated/graphql';
import { currentPeriodUsageQuery } from './usage.graphql';
import { addDecimals, formatQuantity } from './usage-model';

type Meter = MetersQuery['meters'][number];

/** This month so far, per dimension over all deployments (the live counters). */
export function CurrentPeriodTotals({ meters }: { meters: Meter[] }) {
  const [result, reexecute] = useQuery({ query: currentPeriodUsageQuery });
  useEffect(() => {
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), 10_000);
    return () => clearInterval(timer);
  }, [reexecute]);
  if (result.error && !result.data) return <ErrorAlert error={result.error} />;
  const totals = new Map<string, { quantity: string; unit: string }>();
  for (const total of result.data?.currentPeriodUsage.totals ?? []) {
    const current = totals.get(total.dimension);
    totals.set(total.dimension, {
      quantity: current ? addDecimals(current.quantity, total.quantity) : total.quantity,
      unit: total.unit,
    });
  }
  const shown = meters.filter((meter) => totals.has(meter.dimension));
  return (
    <Card p="lg" data-testid="period-totals">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h5">
          This month so far
        </Title>
        <Text size="xs" c="dimmed">
          {result.data
            ? `${new Date(result.data.currentPeriodUsage.periodStart).toISOString().slice(0, 10)} to now (UTC), all deployments`
            : ''}
        </Text>
      </Group>
      {shown.length === 0 ? (
        <Text size="sm" c="dimmed">
          {result.fetching && !result.data ? 'Loading…' : 'No usage yet this month.'}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md">
          {shown.map((meter) => {
            const total = totals.get(meter.dimension)!;
            return (
              <div key={meter.dimension} data-testid={`period-total-${meter.dimension}`}>
                <Text size="xs" c="dimmed" fw={500}>
                  {meter.displayName}
                </Text>
                <Text fw={650} size="lg">
                  {formatQuantity(Number(total.quantity), total.unit)}
                </Text>
              </div>
            );
          })}
        </SimpleGrid>
      )}
    </Card>
  );
}
