import type { PipelineStageWorkload } from '../../types';

/**
 * TCP ports a stage of each kind reaches outside the cluster, when the workload names none
 * (`PipelineStageWorkload.egressPorts`). Stages that only move data between topics (Kafka sources and sinks,
 * every transform) leave the cluster for nothing: they reach the brokers and DNS only.
 */
const EXTERNAL_PORTS_BY_KIND: Record<string, readonly number[]> = {
  // mqtt:// and mqtts:// brokers.
  'source.mqtt': [1883, 8883],
  // Webhooks are https:// only.
  'sink.http': [443],
  'sink.postgres': [5432],
  // S3 and Azure Blob endpoints.
  'sink.object-storage': [443],
};

export function externalEgressPorts(stage: PipelineStageWorkload): number[] {
  return [...new Set(stage.egressPorts ?? EXTERNAL_PORTS_BY_KIND[stage.kind] ?? [])].sort((a, b) => a - b);
}

/** Stages that receive traffic from outside (through ingress-nginx) rather than only sending it. */
export const receivesHttp = (stage: PipelineStageWorkload): boolean => stage.kind === 'source.http';
