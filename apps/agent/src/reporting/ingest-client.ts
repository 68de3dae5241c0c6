/** The ingest endpoint's answer to a batch. */
export interface IngestResult {
  accepted: string[];
  duplicates: string[];
  rejected: { id: string | null; index: number; reason: string; message: string }[];
}

export type SendOutcome =
  /** Committed (accepted or already there) or rejected per event: either way, done with. */
  | { kind: 'delivered'; result: IngestResult }
  /** The token is not (or no longer) valid: get a new one and send again. */
  | { kind: 'unauthorized'; message: string }
  /** Refused as a whole for a reason a resend cannot fix (400, 413, 415, …): dropped. */
  | { kind: 'refused'; status: number; message: string }
  /** Not delivered after every attempt (network, 5xx, 429): keep the events and try again later. */
  | { kind: 'failed'; message: string };

export interface IngestClientOptions {
  /** Attempts per batch, the first included. */
  attempts: number;
  /** Backoff before the second attempt; doubled each time, with jitter, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per request. */
  timeoutMs: number;
  /** Replaces global fetch (tests: a response lost after the api committed). */
  fetch?: typeof fetch;
}

export const DEFAULT_INGEST_CLIENT_OPTIONS: IngestClientOptions = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  timeoutMs: 15_000,
};

/**
 * Sends batches of CloudEvents (usage and telemetry) to `POST /v1/ingest/events` as a data-plane agent does: one batch per request
 * (`application/cloudevents-batch+json`), retried with exponential backoff and jitter on network errors,
 * timeouts, 429 (after its Retry-After) and 5xx. A retry resends the same events with the same ids, so a
 * batch whose response was lost after the api committed it is acknowledged as duplicates, not counted twice.
 *
 * The backoff is written here rather than taken from a library: the retry packages in node_modules
 * (`exponential-backoff`, `retry`) are only there as dependencies of build tools, not declared by this
 * project, and the loop needs Retry-After and an abort signal, which is a few lines.
 */
export class IngestClient {
  private readonly fetch: typeof fetch;

  constructor(
    private readonly url: string,
    private readonly options: IngestClientOptions = DEFAULT_INGEST_CLIENT_OPTIONS,
  ) {
    this.fetch = options.fetch ?? fetch;
  }

  async send(token: string, events: readonly object[], stop?: AbortSignal): Promise<SendOutcome> {
    const body = JSON.stringify(events);
    let last = 'not attempted';
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (stop?.aborted) return { kind: 'failed', message: 'stopping' };
      let retryAfterMs: number | undefined;
      try {
        const timeout = AbortSignal.timeout(this.options.timeoutMs);
        const response = await this.fetch(this.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/cloudevents-batch+json',
          },
          body,
          signal: stop ? AbortSignal.any([stop, timeout]) : timeout,
        });
        const text = await response.text();
        if (response.ok) return { kind: 'delivered', result: resultOf(text) };
        last = `HTTP ${response.status}: ${text.slice(0, 300)}`;
        if (response.status === 401) return { kind: 'unauthorized', message: last };
        if (!retryable(response.status)) return { kind: 'refused', status: response.status, message: last };
        retryAfterMs = retryAfterOf(response.headers.get('retry-after'));
      } catch (error) {
        last = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (attempt < this.options.attempts) await sleep(this.delayBefore(attempt + 1, retryAfterMs), stop);
    }
    return { kind: 'failed', message: last };
  }

  /** Full jitter over an exponentially growing cap; the server's Retry-After when it gave one. */
  private delayBefore(attempt: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.options.maxDelayMs);
    const cap = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 2));
    return cap / 2 + Math.random() * (cap / 2);
  }
}

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function retryAfterOf(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function resultOf(text: string): IngestResult {
  const body = JSON.parse(text) as Partial<IngestResult>;
  return { accepted: body.accepted ?? [], duplicates: body.duplicates ?? [], rejected: body.rejected ?? [] };
}

function sleep(ms: number, stop?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    }
    stop?.addEventListener('abort', done, { once: true });
  });
}
