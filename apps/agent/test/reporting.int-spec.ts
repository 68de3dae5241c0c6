import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { usageEvent } from '../src/agent/agent-events';
import { DiskSpool } from '../src/reporting/disk-spool';
import { EventReporter } from '../src/reporting/event-reporter';
import { IngestClient } from '../src/reporting/ingest-client';

/**
 * The agent's reporting path (disk spool + retries) against a real HTTP server on this machine that speaks
 * the ingest contract — commits each (source, id) once and acknowledges a resend as a duplicate — and
 * fails on demand: 503, connection refused, a response lost after the commit.
 */

const DEPLOYMENT = '0b7c9a52-5a55-4a55-8a55-1f2e3d4c5b6a';

class FakeControlPlane {
  /** source\nid → times committed (must end at 1 for every event). */
  readonly committed = new Map<string, number>();
  readonly order: string[] = [];
  mode: 'up' | '503' | 'lose-response' | 'refuse-batch' = 'up';
  requests = 0;
  private server?: Server;
  port = 0;

  async listen(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.requests++;
        if (request.headers.authorization !== 'Bearer sp_agt_test') {
          response.writeHead(401).end('{}');
          return;
        }
        if (this.mode === '503') {
          response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{}}');
          return;
        }
        if (this.mode === 'refuse-batch') {
          response
            .writeHead(400, { 'content-type': 'application/json' })
            .end('{"error":{"reason":"INVALID_BATCH"}}');
          return;
        }
        const events = JSON.parse(body) as { id: string; source: string }[];
        const accepted: string[] = [];
        const duplicates: string[] = [];
        for (const event of events) {
          const key = `${event.source}\n${event.id}`;
          if (this.committed.has(key)) duplicates.push(event.id);
          else {
            this.committed.set(key, 1);
            this.order.push(event.id);
            accepted.push(event.id);
          }
        }
        if (this.mode === 'lose-response') {
          this.mode = 'up';
          request.socket.destroy(); // committed, but the answer never arrives
          return;
        }
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted, duplicates, rejected: [] }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Connection refused from now on (the port stays reserved for the next listen). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server?.closeAllConnections();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1/ingest/events`;
  }
}

describe('agent reporting: disk spool and retries under a failing control plane', () => {
  let dir: string;
  let server: FakeControlPlane;
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-spool-'));
    server = new FakeControlPlane();
    await server.listen();
    logs.length = 0;
  });

  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const reporterFor = (options: { maxBytes?: number; maxBatchEvents?: number } = {}) =>
    new EventReporter(
      new DiskSpool({
        dir,
        maxBytes: options.maxBytes ?? 10_000_000,
        onFull: (detail) => logger.error(detail, 'agent spool full'),
      }),
      new IngestClient(server.url, { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 }),
      () => 'sp_agt_test',
      logger,
      { maxBatchEvents: options.maxBatchEvents ?? 4 },
    );

  /** Usage events of consecutive 10-second intervals, ids stable per interval. */
  const eventsOf = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) =>
      usageEvent(DEPLOYMENT, new Date(Date.UTC(2026, 10, 23, 14, 0, (from + i) * 10)), {
        dimension: 'ingress_bytes',
        value: from + i,
      }),
    );
  const segments = async () => (await readdir(dir)).filter((f) => f.endsWith('.json')).length;

  it('keeps batches on disk through 503s and refused connections, then delivers them oldest first, once', async () => {
    const reporter = reporterFor();
    server.mode = '503';
    const first = await reporter.report(eventsOf(0, 6)); // two batches
    expect(first).toMatchObject({ accepted: 0, spooledBatches: 2 });
    expect(server.requests).toBe(3); // one batch, three attempts; the second waits behind it

    await server.close(); // connection refused
    const second = await reporter.report(eventsOf(6, 3));
    expect(second).toMatchObject({ accepted: 0, spooledBatches: 3 });
    expect(server.committed.size).toBe(0);

    server.mode = 'up';
    await server.listen(); // the same port: the control plane is back
    const third = await reporter.report(eventsOf(9, 2));

    expect(third).toMatchObject({ accepted: 11, duplicates: 0, spooledBatches: 0 });
    expect(server.order).toEqual(eventsOf(0, 11).map((e) => e.id)); // oldest first
    expect([...server.committed.values()].every((times) => times === 1)).toBe(true);
    expect(await segments()).toBe(0);
    expect(logs.some((l) => l.includes('control plane unreachable; events kept in the spool'))).toBe(true);
  });

  it('replays the spool a stopped agent left behind, in order, when a new one starts', async () => {
    await server.close();
    await reporterFor().report(eventsOf(0, 8));
    expect(await segments()).toBe(2);

    await server.listen();
    const restarted = reporterFor(); // a new process: a new spool object on the same directory
    const delivered = await restarted.report(eventsOf(8, 1));

    expect(delivered).toMatchObject({ accepted: 9, spooledBatches: 0 });
    expect(server.order).toEqual(eventsOf(0, 9).map((e) => e.id));
  });

  it('resends a batch whose response was lost; the control plane acknowledges it as duplicates', async () => {
    server.mode = 'lose-response';
    const delivered = await reporterFor().report(eventsOf(0, 3));

    expect(delivered).toMatchObject({ accepted: 0, duplicates: 3, spooledBatches: 0 });
    expect(server.committed.size).toBe(3);
    expect([...server.committed.values()]).toEqual([1, 1, 1]);
  });

  it('refuses new batches with a clear log when the spool is full, and keeps what it holds', async () => {
    await server.close();
    const batchBytes = JSON.stringify(eventsOf(0, 4)).length;
    const reporter = reporterFor({ maxBytes: batchBytes * 2 + 10 });
    await reporter.report(eventsOf(0, 12)); // three batches: the third does not fit

    expect(await segments()).toBe(2);
    const full = logs
      .map((l) => JSON.parse(l))
      .find(
        (l) => l.msg === 'agent spool full: events dropped (the control plane has been unreachable too long)',
      );
    expect(full).toMatchObject({ level: 50, events: 4, segments: 2 });

    await server.listen();
    expect(await reporter.report([])).toMatchObject({ accepted: 8, spooledBatches: 0 });
    expect(server.order).toEqual(eventsOf(0, 8).map((e) => e.id));
  });

  it('drops a batch refused as a whole (400) with an error, instead of blocking those behind it', async () => {
    server.mode = 'refuse-batch';
    const reporter = reporterFor();
    expect(await reporter.report(eventsOf(0, 2))).toMatchObject({ accepted: 0, spooledBatches: 0 });
    expect(logs.some((l) => l.includes('batch refused as a whole'))).toBe(true);
    server.mode = 'up';
    expect(await reporter.report(eventsOf(2, 2))).toMatchObject({ accepted: 2 });
  });
});
