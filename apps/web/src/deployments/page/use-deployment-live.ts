import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useQuery, useSubscription } from 'urql';
import { useRereadOnReconnect } from '../../api/use-live';
import {
  deploymentEventsSubscription,
  deploymentQuery,
  operationsQuery,
  resourceEventsQuery,
  upgradeProposalsQuery,
} from '../deployments.graphql';
import {
  emptyLive,
  liveReducer,
  withHistory,
  type DeploymentEvent,
  type StoredResourceEvent,
} from '../live-state';

/** Every stored resource event of an operation (pages of 200, oldest first). */
async function loadResourceEvents(
  client: ReturnType<typeof useClient>,
  operationId: string,
): Promise<StoredResourceEvent[]> {
  const items: StoredResourceEvent[] = [];
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const result = await client
      .query(
        resourceEventsQuery,
        { operationId, page: { first: 200, after } },
        { requestPolicy: 'network-only' },
      )
      .toPromise();
    if (!result.data) break;
    items.push(...result.data.resourceEvents.items);
    after = result.data.resourceEvents.nextCursor ?? undefined;
    if (!after) break;
  }
  return items;
}

const PROPOSALS_EVERY_MS = 20_000;

/** Bound on events kept in memory (an operation has a few hundred). */
const MAX_EVENTS = 5000;

/**
 * A deployment as its page shows it: the rows (re-read when its status or an operation changes) and the
 * live view — every `deploymentEvents` event, merged with the stored history of the operation on display
 * (loaded once per operation, and again after a reconnect, when events may have been missed).
 */
export function useDeploymentLive(deploymentId: string, shownOperationId: string | undefined) {
  const client = useClient();
  const [deployment, rereadDeployment] = useQuery({ query: deploymentQuery, variables: { deploymentId } });
  const [operations, rereadOperations] = useQuery({
    query: operationsQuery,
    variables: { deploymentId, page: { first: 20 } },
  });
  const [proposals, rereadProposals] = useQuery({
    query: upgradeProposalsQuery,
    variables: { deploymentId },
  });
  const [histories, setHistories] = useState<Record<string, StoredResourceEvent[]>>({});
  const [events, setEvents] = useState<DeploymentEvent[]>([]);
  const requested = useRef(new Set<string>());

  const rereadAll = useCallback(() => {
    const policy = { requestPolicy: 'network-only' } as const;
    rereadDeployment(policy);
    rereadOperations(policy);
    rereadProposals(policy);
  }, [rereadDeployment, rereadOperations, rereadProposals]);
  useRereadOnReconnect(() => {
    requested.current.clear();
    setHistories({});
    rereadAll();
  });

  // New proposals are made by a schedule, not by an event of this deployment: look again now and then.
  useEffect(() => {
    const timer = setInterval(() => rereadProposals({ requestPolicy: 'network-only' }), PROPOSALS_EVERY_MS);
    return () => clearInterval(timer);
  }, [rereadProposals]);

  const operationId = shownOperationId ?? operations.data?.operations.items[0]?.id;
  useEffect(() => {
    if (!operationId || requested.current.has(operationId)) return;
    requested.current.add(operationId);
    void loadResourceEvents(client, operationId).then((items) =>
      setHistories((current) => ({ ...current, [operationId]: items })),
    );
  }, [client, operationId, histories]);

  useSubscription(
    { query: deploymentEventsSubscription, variables: { deploymentId } },
    (_previous: unknown, data) => {
      const event = data.deploymentEvents;
      setEvents((current) =>
        current.length >= MAX_EVENTS ? [...current.slice(1000), event] : [...current, event],
      );
      // Status and operation changes carry facts the rows hold (outputs, generation, errors): re-read them.
      if (event.__typename === 'DeploymentStatusChanged') rereadDeployment({ requestPolicy: 'network-only' });
      if (event.__typename === 'OperationChanged') {
        rereadOperations({ requestPolicy: 'network-only' });
        if (event.type === 'UPGRADE') rereadProposals({ requestPolicy: 'network-only' });
      }
      return data;
    },
  );

  const live = useMemo(() => {
    let state = events.reduce(liveReducer, emptyLive);
    for (const [id, items] of Object.entries(histories)) state = withHistory(state, id, items);
    return state;
  }, [events, histories]);

  const historyLoading = operationId !== undefined && histories[operationId] === undefined;
  return {
    historyLoading,
    deployment,
    operations,
    proposals,
    live,
    operationId,
    rereadAll,
    rereadOperations,
    rereadProposals,
  };
}
