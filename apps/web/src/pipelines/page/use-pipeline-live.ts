import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useQuery, useSubscription } from 'urql';
import { useRereadOnReconnect } from '../../api/use-live';
import { deploymentEventsSubscription, resourceEventsQuery } from '../../deployments/deployments.graphql';
import {
  emptyLive,
  liveReducer,
  withHistory,
  type DeploymentEvent,
  type StoredResourceEvent,
} from '../../deployments/live-state';
import { pipelineQuery, pipelineStatusSubscription } from '../pipelines.graphql';
import { applyEvent, emptyPipelineLive, withCheckpoints, type PipelineLive } from '../pipeline-live';

const MAX_EVENTS = 2000;

/**
 * A pipeline as its page shows it: the row (re-read when its status changes), each stage's checkpoints
 * and the chart's samples from the `pipelineStatus` subscription, and the progress of its operations from
 * the deployment's resource events (a PIPELINE operation runs on the deployment's stack).
 */
export function usePipelineLive(pipelineId: string) {
  const client = useClient();
  const [pipeline, rereadPipeline] = useQuery({ query: pipelineQuery, variables: { pipelineId } });
  const row = pipeline.data?.pipeline;
  const stages = useMemo(() => row?.stages.map((stage) => stage.name) ?? [], [row?.stages]);
  const [live, setLive] = useState<PipelineLive>(emptyPipelineLive);
  const reread = useCallback(() => rereadPipeline({ requestPolicy: 'network-only' }), [rereadPipeline]);
  useRereadOnReconnect(reread);

  // What a (re-)read brought: a checkpoint is only taken when newer than the one shown.
  useEffect(() => {
    if (row) setLive((current) => withCheckpoints(current, stages, row.checkpoints));
  }, [row, stages]);

  const stagesRef = useRef(stages);
  stagesRef.current = stages;
  useSubscription(
    { query: pipelineStatusSubscription, variables: { pipelineId } },
    (_previous: unknown, data) => {
      const event = data.pipelineStatus;
      setLive((current) => applyEvent(current, stagesRef.current, event));
      if (event.kind === 'STATUS') reread();
      return data;
    },
  );

  // Operation progress: the deployment's resource events, and the stored ones of the operation shown.
  const deploymentId = row?.deploymentId;
  const operationId = row?.operations[0]?.id;
  const [events, setEvents] = useState<DeploymentEvent[]>([]);
  const [history, setHistory] = useState<Record<string, StoredResourceEvent[]>>({});
  useSubscription(
    {
      query: deploymentEventsSubscription,
      variables: { deploymentId: deploymentId ?? '' },
      pause: !deploymentId,
    },
    (_previous: unknown, data) => {
      const event = data.deploymentEvents;
      setEvents((current) =>
        current.length >= MAX_EVENTS ? [...current.slice(500), event] : [...current, event],
      );
      if (event.__typename === 'OperationChanged' && event.type === 'PIPELINE') reread();
      return data;
    },
  );
  useEffect(() => {
    if (!operationId || history[operationId]) return;
    let cancelled = false;
    void client
      .query(resourceEventsQuery, { operationId, page: { first: 200 } }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (!cancelled && result.data)
          setHistory((current) => ({ ...current, [operationId]: result.data!.resourceEvents.items }));
      });
    return () => {
      cancelled = true;
    };
  }, [client, operationId, history]);
  const operations = useMemo(() => {
    let state = events.reduce(liveReducer, emptyLive);
    for (const [id, items] of Object.entries(history)) state = withHistory(state, id, items);
    return state;
  }, [events, history]);

  return {
    pipeline,
    live,
    operations,
    historyLoading: operationId !== undefined && history[operationId] === undefined,
    reread,
  };
}
