import { LineChart } from '@mantine/charts';
import { Card, SimpleGrid, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { formatLag, formatRate, type Sample } from '../pipeline-live';

const tick = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const yAxisProps = { width: 44, tickFormatter: (value: number) => tick.format(value) };

/** Throughput and lag over the last minutes, one point per round of reports. */
export function LiveChart(props: { samples: Sample[] }) {
  const data = props.samples.map((sample) => ({
    time: dayjs(sample.at).format('HH:mm:ss'),
    throughput: Math.round(sample.throughput * 10) / 10,
    lag: sample.lag,
  }));
  if (data.length < 2) {
    return (
      <Text size="sm" c="dimmed" data-testid="live-chart-waiting">
        The chart starts after two reports from the agent (it reports every few seconds).
      </Text>
    );
  }
  const common = {
    h: 180,
    data,
    dataKey: 'time',
    curveType: 'monotone' as const,
    withDots: false,
    gridAxis: 'y' as const,
    xAxisProps: { minTickGap: 40 },
  };
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="live-chart">
      <Card withBorder p="sm">
        <Title order={3} size="h6" mb="xs">
          Throughput at the sink (messages/s)
        </Title>
        <LineChart
          {...common}
          series={[{ name: 'throughput', label: 'Messages/s', color: 'indigo.6' }]}
          valueFormatter={formatRate}
          yAxisProps={yAxisProps}
        />
      </Card>
      <Card withBorder p="sm">
        <Title order={3} size="h6" mb="xs">
          Total lag (messages behind)
        </Title>
        <LineChart
          {...common}
          series={[{ name: 'lag', label: 'Messages behind', color: 'orange.6' }]}
          valueFormatter={formatLag}
          yAxisProps={yAxisProps}
        />
      </Card>
    </SimpleGrid>
  );
}
