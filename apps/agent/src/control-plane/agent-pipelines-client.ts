import { z } from 'zod';

/** GET /v1/agent/pipelines: the deployment's applied pipelines, as the agent measures them. */
export const AgentPipelines = z.array(
  z.object({
    id: z.uuid(),
    name: z.string(),
    paused: z.boolean(),
    stages: z.array(
      z.object({
        name: z.string(),
        kind: z.string(),
        inputTopic: z.string().nullable(),
        outputTopic: z.string().nullable(),
        consumerGroup: z.string().nullable(),
      }),
    ),
  }),
);
export type AgentPipeline = z.infer<typeof AgentPipelines>[number];

export interface PipelineSource {
  /** The pipelines to measure; the last known list when the control plane cannot be asked. */
  pipelines(): Promise<AgentPipeline[]>;
}

/**
 * Asks the control plane which pipelines run on this deployment (agent-token auth). While it cannot be
 * reached the last answer stands: the pipelines on the cluster do not change without the control plane.
 */
export class AgentPipelinesClient implements PipelineSource {
  private last: AgentPipeline[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string | Promise<string>,
    private readonly onError: (error: string) => void = () => undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async pipelines(): Promise<AgentPipeline[]> {
    try {
      const response = await this.fetchImpl(`${this.baseUrl.replace(/\/$/, '')}/v1/agent/pipelines`, {
        headers: { authorization: `Bearer ${await this.token()}`, accept: 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) {
        this.onError(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
        return this.last;
      }
      const body: unknown = await response.json();
      // Either the bare list or { pipelines: [...] }: the endpoint's envelope is the api's to choose.
      const list = Array.isArray(body) ? body : (body as { pipelines?: unknown } | null)?.pipelines;
      const parsed = AgentPipelines.safeParse(list);
      if (!parsed.success) {
        this.onError(`unexpected answer: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        return this.last;
      }
      this.last = parsed.data;
      return this.last;
    } catch (error) {
      this.onError(error instanceof Error ? error.message : String(error));
      return this.last;
    }
  }
}
