import { Accordion, Alert, Badge, Divider, Group, Stack, Table, Text } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import { formatNumber, formatUnitPrice, formatUsd } from '../components/format';
import type { PreviewDeploymentQuery } from '../generated/graphql';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

type Preview = PreviewDeploymentQuery['previewDeployment'];

/** The short name of a resource type: `aws:eks/cluster:Cluster` → `Cluster`, grouped by its provider. */
export function resourceKind(type: string): string {
  const last = type.split(':').pop() ?? type;
  return last || type;
}

/** What an order would build and cost: the itemised monthly estimate and every resource. */
export function PlanPreview({ preview, stale }: { preview: Preview; stale?: boolean }) {
  const { cost } = preview;
  const byType = new Map<string, number>();
  for (const resource of preview.resources) byType.set(resource.type, (byType.get(resource.type) ?? 0) + 1);
  return (
    <Stack gap="md" opacity={stale ? 0.55 : 1} aria-live="polite" data-testid="plan-preview">
      {preview.simulated && (
        <Alert color="grape" variant="light" icon={<IconFlask size={18} aria-hidden />} p="xs">
          <Text size="sm">
            Local engine: this order is <strong>simulated</strong>. The plan is exactly what a real run would
            build; nothing will be created in any cloud.
          </Text>
        </Alert>
      )}
      <Group justify="space-between" align="flex-end">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Estimated monthly cost
          </Text>
          <Text fz={28} fw={700} data-testid="plan-total">
            {formatUsd(cost.totalMonthlyUsd)}
          </Text>
        </div>
        <Stack gap={0} align="flex-end">
          <Text size="xs" c="dimmed">
            Cloud provider {formatUsd(cost.cloudProviderMonthlyUsd)}
          </Text>
          <Text size="xs" c="dimmed">
            Streamplane {formatUsd(cost.streamplaneMonthlyUsd)}
          </Text>
        </Stack>
      </Group>
      <Table fz="xs" aria-label="Itemised monthly cost" verticalSpacing={5}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Item</Table.Th>
            <Table.Th ta="right">Monthly</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {cost.lines.map((line) => (
            <Table.Tr key={`${line.item}-${line.description}`}>
              <Table.Td>
                <Text size="xs" fw={500}>
                  {line.description}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatNumber(line.quantity)} {line.unit} × {formatUnitPrice(line.unitPriceUsd)} ·{' '}
                  {line.payee === 'streamplane' ? 'Streamplane' : 'billed by your cloud provider'}
                </Text>
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {formatUsd(line.monthlyUsd)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        List-price estimate ({text(cost.priceReference.note) || 'approximate on-demand prices'}, reference
        region {text(cost.priceReference.region)}, as of {text(cost.priceReference.asOf)}); usage-based
        charges are not included.
      </Text>
      <Divider />
      <Accordion variant="contained" chevronPosition="left">
        <Accordion.Item value="resources">
          <Accordion.Control>
            <Group justify="space-between" pr="xs">
              <Text size="sm" fw={500}>
                {preview.resources.length} resources will be created
              </Text>
              <Badge variant="light" color="gray">
                {byType.size} types
              </Badge>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <Table fz="xs" aria-label="Resources the order creates" verticalSpacing={2}>
              <Table.Tbody>
                {[...byType.entries()].map(([type, count]) => (
                  <Table.Tr key={type}>
                    <Table.Td className="sp-mono">{type}</Table.Td>
                    <Table.Td ta="right">{count}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  );
}
