/** What the agent reads from the in-cluster Prometheus; each value null when it could not be read. */
export interface PrometheusReadings {
  bytesInPerSec: number | null;
  bytesOutPerSec: number | null;
  underReplicatedPartitions: number | null;
  offlinePartitions: number | null;
  /** Bytes of the brokers' persistent volumes (for storage GB-hours). */
  storageBytes: number | null;
  /** Per pipeline id: device ids its MQTT sources saw in the window. */
  assetsByPipeline: Map<string, string[]> | null;
}

/** The readings when nothing could be read. */
export const NO_PROMETHEUS_READINGS: PrometheusReadings = {
  bytesInPerSec: null,
  bytesOutPerSec: null,
  underReplicatedPartitions: null,
  offlinePartitions: null,
  storageBytes: null,
  assetsByPipeline: null,
};

export interface PrometheusSource {
  read(windowSeconds: number): Promise<PrometheusReadings>;
}

/** The PromQL the agent asks (Kafka Exporter/JMX metrics of the Strimzi cluster, kubelet volume stats). */
export const PROMETHEUS_QUERIES = {
  bytesIn: 'sum(rate(kafka_server_brokertopicmetrics_bytesin_total[5m]))',
  bytesOut: 'sum(rate(kafka_server_brokertopicmetrics_bytesout_total[5m]))',
  underReplicated: 'sum(kafka_server_replicamanager_underreplicatedpartitions)',
  offline: 'sum(kafka_controller_kafkacontroller_offlinepartitionscount)',
  storage: 'sum(kubelet_volume_stats_capacity_bytes{persistentvolumeclaim=~"data-.*kafka.*"})',
  /**
   * The pipeline runner's MQTT sources count messages per device (label `asset_id`): the devices that sent
   * anything in the window.
   */
  assets: (windowSeconds: number) =>
    `group by (pipeline_id, asset_id) (increase(streamplane_pipeline_source_messages_total{asset_id!=""}[${windowSeconds}s]) > 0)`,
} as const;

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusReaderOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * Reads the in-cluster Prometheus over its HTTP API (`/api/v1/query`). Prometheus being down, slow or
 * answering an error makes the affected readings null — never fails the agent's round: the heartbeat
 * says "unknown", Kafka's own view still goes out.
 */
export class PrometheusReader implements PrometheusSource {
  private readonly fetch: typeof fetch;

  constructor(
    private readonly baseUrl: string,
    private readonly options: PrometheusReaderOptions = { timeoutMs: 5_000 },
    private readonly onError: (query: string, error: string) => void = () => undefined,
  ) {
    this.fetch = options.fetch ?? fetch;
  }

  async read(windowSeconds: number): Promise<PrometheusReadings> {
    const scalar = async (query: string) => {
      const samples = await this.query(query);
      if (samples === null) return null;
      if (samples.length === 0) return 0; // no series: nothing of it (e.g. no partition under-replicated)
      const value = Number(samples[0].value[1]);
      return Number.isFinite(value) && value >= 0 ? value : null;
    };
    const [
      bytesInPerSec,
      bytesOutPerSec,
      underReplicatedPartitions,
      offlinePartitions,
      storageBytes,
      assets,
    ] = await Promise.all([
      scalar(PROMETHEUS_QUERIES.bytesIn),
      scalar(PROMETHEUS_QUERIES.bytesOut),
      scalar(PROMETHEUS_QUERIES.underReplicated),
      scalar(PROMETHEUS_QUERIES.offline),
      scalar(PROMETHEUS_QUERIES.storage),
      this.query(PROMETHEUS_QUERIES.assets(windowSeconds)),
    ]);
    let assetsByPipeline: Map<string, string[]> | null = null;
    if (assets !== null) {
      assetsByPipeline = new Map();
      for (const { metric } of assets) {
        if (!metric.pipeline_id || !metric.asset_id) continue;
        const list = assetsByPipeline.get(metric.pipeline_id) ?? [];
        list.push(metric.asset_id);
        assetsByPipeline.set(metric.pipeline_id, list);
      }
    }
    return {
      bytesInPerSec,
      bytesOutPerSec,
      underReplicatedPartitions: integerOrNull(underReplicatedPartitions),
      offlinePartitions: integerOrNull(offlinePartitions),
      storageBytes,
      assetsByPipeline,
    };
  }

  /** The instant vector of `query`, or null when Prometheus could not answer it. */
  private async query(query: string): Promise<VectorSample[] | null> {
    try {
      const url = `${this.baseUrl.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
      const response = await this.fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      const body = (await response.json()) as {
        status?: string;
        error?: string;
        data?: { resultType?: string; result?: VectorSample[] };
      };
      if (!response.ok || body.status !== 'success' || body.data?.resultType !== 'vector') {
        this.onError(query, `HTTP ${response.status}: ${body.error ?? 'not an instant vector'}`);
        return null;
      }
      return body.data.result ?? [];
    } catch (error) {
      this.onError(query, error instanceof Error ? error.message : String(error));
      return null;
    }
  }
}

function integerOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
