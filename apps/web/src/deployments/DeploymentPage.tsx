import { Alert, Anchor, Button, Stack, Tabs, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconArrowsMaximize, IconFlask, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { cloudAccountsQuery } from '../cloud-accounts/cloud-accounts.graphql';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { LoadingState } from '../components/QueryView';
import { resourcesOf } from './live-state';
import { AgentTokenCard } from './page/AgentTokenCard';
import { ConnectPanel } from './page/ConnectPanel';
import { DestroyModal } from './page/DestroyModal';
import { OutputsCard, SpecSummary } from './page/DeploymentOverview';
import { OperationHistory } from './page/OperationHistory';
import { OperationProgress } from './page/OperationProgress';
import { ScaleModal } from './page/ScaleModal';
import { UpgradeProposals } from './page/UpgradeProposals';
import { useDeploymentLive } from './page/use-deployment-live';
import { PipelinesPanel } from '../pipelines/PipelinesPanel';
import { DeploymentStatusBadge, isBusy, SimulatedBadge } from './StatusBadge';

export function DeploymentPage() {
  const { deploymentId = '' } = useParams();
  const { role } = useSession();
  // The tab is in the address, so a link (or going back) can open the pipelines.
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') ?? 'overview';
  const [shownOperationId, setShownOperationId] = useState<string>();
  const { deployment, operations, proposals, live, operationId, historyLoading, rereadAll } =
    useDeploymentLive(deploymentId, shownOperationId);
  const [accounts] = useQuery({ query: cloudAccountsQuery });
  // A new operation is shown as it starts, even after looking at an older one.
  const latestOperationId = operations.data?.operations.items[0]?.id;
  useEffect(() => setShownOperationId(undefined), [latestOperationId]);
  const [scaling, scale] = useDisclosure(false);
  const [destroying, destroy] = useDisclosure(false);

  const row = deployment.data?.deployment;
  if (!row) {
    if (deployment.error) return <ErrorAlert error={deployment.error} onRetry={rereadAll} />;
    return <LoadingState label="Loading the deployment…" />;
  }
  // A status event is newer than the row until the row is re-read.
  const status =
    live.status && Date.parse(live.status.at) >= Date.parse(row.updatedAt) ? live.status.status : row.status;
  const statusMessage =
    live.status && status === live.status.status ? live.status.message : row.statusMessage;
  const operationList = operations.data?.operations.items ?? [];
  const shown = operationList.find((operation) => operation.id === operationId);
  const accountName = accounts.data?.cloudAccounts.find((account) => account.id === row.cloudAccountId)?.name;
  const busy = isBusy(status);
  const gone = status === 'DESTROYED' || status === 'DESTROYING';

  return (
    <>
      <Anchor component={Link} to="/" size="sm" c="dimmed">
        ← Deployments
      </Anchor>
      <PageHeader
        title={row.name}
        badges={
          <>
            <DeploymentStatusBadge status={status} />
            {row.simulated && <SimulatedBadge />}
          </>
        }
        description={`Kafka ${row.kafkaVersion} · ${row.brokers} brokers · ${row.region}`}
        actions={
          <>
            {can(role, 'Mutation.scaleDeployment') && !gone && (
              <Button
                variant="default"
                leftSection={<IconArrowsMaximize size={16} aria-hidden />}
                onClick={scale.open}
                disabled={busy || status === 'FAILED'}
                title={busy ? 'Wait for the running change to finish' : undefined}
              >
                Scale
              </Button>
            )}
            {can(role, 'Mutation.destroyDeployment') && !gone && (
              <Button
                color="red"
                variant="light"
                leftSection={<IconTrash size={16} aria-hidden />}
                onClick={destroy.open}
                disabled={busy}
                title={busy ? 'Wait for the running change to finish' : undefined}
              >
                Destroy
              </Button>
            )}
          </>
        }
      />
      <Stack gap="lg">
        {row.simulated && (
          <Alert color="grape" variant="light" icon={<IconFlask size={18} aria-hidden />} p="sm">
            <Text size="sm">
              <strong>Simulated deployment.</strong> The local engine plays out the real infrastructure
              program with realistic timing, but nothing exists in any cloud and its addresses answer nowhere.
            </Text>
          </Alert>
        )}
        {status === 'FAILED' && (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="The last operation failed"
          >
            <Text size="sm">{statusMessage ?? 'See the operation history below for the error.'}</Text>
            {can(role, 'Mutation.retryOperation') && (
              <Text size="sm" mt={4}>
                Retry it from the operation history once the cause is fixed.
              </Text>
            )}
          </Alert>
        )}
        <UpgradeProposals proposals={proposals.data?.upgradeProposals ?? []} />
        {shown && (
          <OperationProgress
            key={shown.id}
            operation={shown}
            live={live.operations[shown.id]}
            resources={resourcesOf(live, shown.id)}
            loading={historyLoading}
          />
        )}
        <Tabs
          value={tab}
          onChange={(value) =>
            setSearch(value && value !== 'overview' ? { tab: value } : {}, { replace: true })
          }
          keepMounted={false}
        >
          <Tabs.List mb="md">
            <Tabs.Tab value="overview">Overview</Tabs.Tab>
            <Tabs.Tab value="pipelines">Pipelines</Tabs.Tab>
            <Tabs.Tab value="connect">Connect</Tabs.Tab>
            <Tabs.Tab value="operations">Operations ({operationList.length})</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="overview">
            <Stack gap="lg">
              <OutputsCard deployment={row} />
              <SpecSummary deployment={row} cloudAccountName={accountName} />
              {can(role, 'Mutation.rotateAgentToken') && !gone && (
                <AgentTokenCard deploymentId={row.id} busy={busy} />
              )}
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="pipelines">
            <PipelinesPanel deploymentId={row.id} status={status} simulated={row.simulated} />
          </Tabs.Panel>
          <Tabs.Panel value="connect">
            <ConnectPanel deployment={row} />
          </Tabs.Panel>
          <Tabs.Panel value="operations">
            {operations.error && <ErrorAlert error={operations.error} />}
            <OperationHistory
              operations={operationList}
              shownOperationId={operationId}
              onShow={(id) => {
                setShownOperationId(id);
                window.scrollTo({ top: 0, behavior: 'smooth' });
              }}
            />
          </Tabs.Panel>
        </Tabs>
      </Stack>
      <ScaleModal
        opened={scaling}
        onClose={scale.close}
        deploymentId={row.id}
        current={{ brokers: row.spec.brokers, storagePerBrokerGiB: row.spec.storagePerBrokerGiB }}
      />
      <DestroyModal
        opened={destroying}
        onClose={destroy.close}
        deployment={{
          id: row.id,
          name: row.name,
          brokers: row.spec.brokers,
          storagePerBrokerGiB: row.spec.storagePerBrokerGiB,
          cloudAccountName: accountName,
          simulated: row.simulated,
        }}
      />
    </>
  );
}
