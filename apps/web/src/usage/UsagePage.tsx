import { AreaChart, BarChart } from '@mantine/charts';
import {
  Button,
  Card,
  EmptyState,
  Group,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconChartAreaLine, IconDownload } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { downloadCsv } from '../api/download';
import { deploymentsQuery } from '../deployments/deployments.graphql';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { LoadingState } from '../components/QueryView';
import type { MetersQuery, UsageGranularity } from '../generated/graphql';
import { CurrentPeriodTotals } from './CurrentPeriodTotals';
import { metersQuery, usageQuery } from './usage.graphql';
import {
  chartsOf,
  customWindow,
  formatQuantity,
  formatTick,
  presetWindow,
  windowProblem,
  type ChartSeries,
  type PeriodPreset,
  type UsageWindow,
} from './usage-model';

const COLORS = ['indigo.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'pink.6', 'lime.7', 'yellow.7'];
/** Usage arrives every few seconds from the agents: the page re-reads on this rhythm. */
const REFRESH_MS = 15_000;

type Meter = MetersQuery['meters'][number];

export function UsagePage() {
  const [preset, setPreset] = useState<PeriodPreset>('this-month');
  const [range, setRange] = useState<[string | null, string | null]>([null, null]);
  const [granularity, setGranularity] = useState<UsageGranularity | null>(null);
  const [deploymentId, setDeploymentId] = useState<string | null>(null);
  const [meters] = useQuery({ query: metersQuery });
  const [deployments] = useQuery({ query: deploymentsQuery });

  const period = useMemo<UsageWindow | undefined>(() => {
    if (preset !== 'custom') {
      const base = presetWindow(preset);
      return granularity ? { ...base, granularity } : base;
    }
    if (!range[0] || !range[1]) return undefined;
    return customWindow(new Date(range[0]), new Date(range[1]), granularity ?? undefined);
    // The preset windows move with the clock; they are recomputed on each change of the controls.
  }, [preset, range, granularity]);
  const problem = period ? windowProblem(period) : null;

  return (
    <>
      <PageHeader
        title="Usage"
        description="What your deployments used, per dimension, in UTC buckets. This is what invoices are computed from."
        actions={period && !problem && <ExportButton period={period} deploymentId={deploymentId} />}
      />
      <Stack gap="lg">
        <CurrentPeriodTotals meters={meters.data?.meters ?? []} />
        <Card p="md">
          <Group gap="md" align="flex-end" wrap="wrap">
            <div>
              <Text size="sm" fw={500} mb={4} id="period-label">
                Period
              </Text>
              <SegmentedControl
                aria-labelledby="period-label"
                value={preset}
                onChange={(value) => {
                  setPreset(value);
                  setGranularity(null);
                }}
                data={[
                  { value: 'this-month', label: 'This month' },
                  { value: 'last-24h', label: '24 hours' },
                  { value: 'last-7d', label: '7 days' },
                  { value: 'last-30d', label: '30 days' },
                  { value: 'custom', label: 'Custom' },
                ]}
              />
            </div>
            {preset === 'custom' && (
              <DatePickerInput
                type="range"
                label="Days (UTC)"
                placeholder="Pick the first and last day"
                value={range}
                onChange={(value) => setRange(value)}
                maxDate={new Date()}
                w={260}
                allowSingleDateInRange
              />
            )}
            <Select
              label="Buckets"
              w={130}
              allowDeselect={false}
              value={period?.granularity ?? 'DAY'}
              onChange={(value) => setGranularity(value)}
              data={[
                { value: 'HOUR', label: 'Hours' },
                { value: 'DAY', label: 'Days' },
                { value: 'MONTH', label: 'Months' },
              ]}
            />
            <Select
              label="Deployment"
              w={240}
              clearable
              placeholder="All deployments"
              value={deploymentId}
              onChange={setDeploymentId}
              data={(deployments.data?.deployments ?? []).map((deployment) => ({
                value: deployment.id,
                label: deployment.name,
              }))}
            />
          </Group>
          {problem && (
            <Text size="sm" c="red.8" mt="sm" role="alert">
              {problem}
            </Text>
          )}
        </Card>
        {meters.error && <ErrorAlert error={meters.error} />}
        {period && !problem && (
          <UsageCharts period={period} deploymentId={deploymentId} meters={meters.data?.meters ?? []} />
        )}
        {!period && (
          <Text size="sm" c="dimmed">
            Pick the first and last day of the period.
          </Text>
        )}
      </Stack>
    </>
  );
}

function UsageCharts(props: { period: UsageWindow; deploymentId: string | null; meters: Meter[] }) {
  const { period, deploymentId, meters } = props;
  const variables = {
    range: { from: period.from.toISOString(), to: period.to.toISOString() },
    granularity: period.granularity,
    deploymentId: deploymentId ?? undefined,
  };
  const [result, reexecute] = useQuery({ query: usageQuery, variables });
  useEffect(() => {
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reexecute]);
  const charts = useMemo(
    () =>
      result.data
        ? chartsOf(
            result.data.usage.points,
            result.data.usage.granularity,
            meters.map((meter) => meter.dimension),
          )
        : [],
    [result.data, meters],
  );
  if (!result.data) {
    if (result.error)
      return <ErrorAlert error={result.error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
    return <LoadingState label="Loading usage…" />;
  }
  if (charts.length === 0) {
    return (
      <Card p="xl">
        <EmptyState
          icon={<IconChartAreaLine size={28} aria-hidden />}
          title="No usage in this period"
          description="Usage appears within a minute of a deployment running: its agent reports broker hours, storage, traffic and partitions."
        />
      </Card>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" data-testid="usage-charts">
      {charts.map((chart) => (
        <UsageChart
          key={chart.dimension}
          chart={chart}
          meter={meters.find((meter) => meter.dimension === chart.dimension)}
        />
      ))}
    </SimpleGrid>
  );
}

function UsageChart({ chart, meter }: { chart: ChartSeries; meter?: Meter }) {
  const series = chart.deployments.map((name, index) => ({ name, color: COLORS[index % COLORS.length] }));
  const format = (value: number) => formatQuantity(value, chart.unit);
  const common = {
    h: 220,
    data: chart.rows,
    dataKey: 'bucket',
    series,
    valueFormatter: format,
    withLegend: chart.deployments.length > 1,
    legendProps: { verticalAlign: 'bottom' as const, height: 40 },
    yAxisProps: { width: 64, tickFormatter: (value: number) => formatTick(value, chart.unit) },
    gridAxis: 'y' as const,
  };
  return (
    <Card p="lg" data-testid={`usage-chart-${chart.dimension}`}>
      <Group justify="space-between" align="flex-start" mb="md">
        <div>
          <Tooltip label={meter?.description ?? chart.dimension} withArrow>
            <Title order={2} size="h5" tabIndex={0}>
              {meter?.displayName ?? chart.dimension}
            </Title>
          </Tooltip>
          <Text size="xs" c="dimmed">
            {meter?.aggregation === 'UNIQUE_COUNT' ? 'Distinct per bucket' : `Per bucket, in ${chart.unit}s`}
          </Text>
        </div>
        <Text fw={600} size="sm" aria-label={`Total ${meter?.displayName ?? chart.dimension}`}>
          {format(Number(chart.total))}
        </Text>
      </Group>
      {chart.rows.length > 1 ? (
        <AreaChart {...common} type="stacked" curveType="monotone" withDots={false} fillOpacity={0.25} />
      ) : (
        <BarChart {...common} type="stacked" />
      )}
    </Card>
  );
}

function ExportButton(props: { period: UsageWindow; deploymentId: string | null }) {
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    const params = new URLSearchParams({
      from: props.period.from.toISOString(),
      to: props.period.to.toISOString(),
      granularity: props.period.granularity,
    });
    if (props.deploymentId) params.set('deploymentId', props.deploymentId);
    try {
      await downloadCsv(`/v1/usage.csv?${params.toString()}`, 'streamplane-usage.csv');
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap={4} align="flex-end">
      <Button
        variant="default"
        leftSection={<IconDownload size={16} aria-hidden />}
        onClick={() => void run()}
        loading={busy}
      >
        Export CSV
      </Button>
      {error && <ErrorAlert error={error} />}
    </Stack>
  );
}
