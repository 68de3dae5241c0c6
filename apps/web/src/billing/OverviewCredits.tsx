import { Anchor, Card, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { formatMoney } from '../components/format';
import { creditBalanceQuery, currentPeriodEstimateQuery } from './billing.graphql';
import { monthOf, percentOf } from './billing-model';

/** The overview's money line: credits left, and this month's charges so far. Quiet when unavailable. */
export function OverviewCredits() {
  const [credits] = useQuery({ query: creditBalanceQuery });
  const [estimate] = useQuery({ query: currentPeriodEstimateQuery });
  const balance = credits.data?.creditBalance;
  const period = estimate.data?.currentPeriodEstimate;
  if (!balance && !period) return null;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
      {balance && (
        <Card p="md" data-testid="overview-credits">
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                Credits left
              </Text>
              <Text fz={22} fw={700}>
                {formatMoney(balance.remaining)}
              </Text>
            </Stack>
            <Anchor component={Link} to="/billing" size="sm">
              Billing
            </Anchor>
          </Group>
          <Progress
            mt="xs"
            size="sm"
            value={percentOf(balance.remaining.minor, balance.granted.minor)}
            color="teal"
            aria-label="Credits left"
          />
          <Text size="xs" c="dimmed" mt={6}>
            of {formatMoney(balance.granted)} granted
            {balance.nextExpiry ? `, valid until ${balance.nextExpiry.slice(0, 10)}` : ''}
          </Text>
        </Card>
      )}
      {period && (
        <Card p="md" data-testid="overview-estimate">
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                {monthOf(period.periodStart)} so far
              </Text>
              <Text fz={22} fw={700}>
                {formatMoney(period.subtotal)}
              </Text>
            </Stack>
            <Anchor component={Link} to="/usage" size="sm">
              Usage
            </Anchor>
          </Group>
          <Text size="xs" c="dimmed" mt="xs">
            {BigInt(period.creditsApplied.minor) > 0n
              ? `${formatMoney(period.creditsApplied)} paid by credits; ${formatMoney(period.total)} to pay`
              : `${formatMoney(period.total)} to pay`}
          </Text>
        </Card>
      )}
    </SimpleGrid>
  );
}
