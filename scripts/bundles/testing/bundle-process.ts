import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A process started from an installed bundle, with its output kept for assertions and failure messages. */
export class BundleProcess {
  private output = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      }),
    );
  }

  /** `node <args>` in `cwd` with exactly `env` (nothing inherited from the test process). */
  static start(name: string, cwd: string, args: string[], env: NodeJS.ProcessEnv): BundleProcess {
    // The same Node 24 that runs the tests (node_modules/.bin/node), as the image's base provides it.
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new BundleProcess(name, child);
  }

  get log(): string {
    return this.output;
  }

  /** The JSON log lines (pino) so far. */
  jsonLines(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** Resolves with the first JSON log line that matches; fails at once if the process exits first. */
  async waitForLine(matches: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.jsonLines().find(matches);
      if (found) return found;
      this.failIfExited();
      await pause(100);
    }
  }

  /** Polls GET `url` until it answers `status`; fails at once if the process exits first. */
  async waitForStatus(url: string, status = 200): Promise<Response> {
    for (;;) {
      this.failIfExited();
      const response = await fetch(url).catch(() => undefined);
      if (response?.status === status) return response;
      await response?.body?.cancel();
      await pause(200);
    }
  }

  /** Waits for the process to end by itself; its exit code. */
  async exitCode(): Promise<number | null> {
    await this.exited;
    return this.exit?.code ?? null;
  }

  /** SIGTERM, and the exit code (the processes exit 0 on a graceful shutdown). */
  async stop(): Promise<number | null> {
    if (!this.exit) this.child.kill('SIGTERM');
    await this.exited;
    return this.exit?.code ?? null;
  }

  describe(): string {
    const tail = this.output.trimEnd().split('\n').slice(-20).join('\n');
    return `${this.name}${this.exit ? ` (exited ${this.exit.code ?? this.exit.signal})` : ''}; last output:\n${tail}`;
  }

  private failIfExited(): void {
    if (this.exit) throw new Error(`${this.describe()}`);
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
