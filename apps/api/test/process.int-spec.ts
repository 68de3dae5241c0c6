import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

// The api as an operator runs it: its own process, configured by environment, stopped by a signal.
const ROOT = resolve(__dirname, '../../..');
const MAIN = 'apps/api/src/main.ts';

function startApi(env: Record<string, string | undefined>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`api exited early with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`api did not become healthy within 30 s`);
}

describe('the api process', () => {
  it('refuses to start on bad configuration, naming each variable', async () => {
    const { child, output } = startApi({ PORT: 'eighty', AUTH_SECRET: 'short' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(78);
    expect(output()).toContain('DATABASE_URL');
    expect(output()).toContain('AUTH_SECRET: must be at least 32 characters');
    expect(output()).toContain('PORT');
  });

  it('shuts down cleanly on SIGTERM: closes the listener and its connections, exits 0', async () => {
    const port = await freePort();
    const { child, output } = startApi({
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: process.env.REDIS_URL,
      REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX,
      AUTH_SECRET: process.env.AUTH_SECRET,
      CREDENTIALS_ENCRYPTION_KEYS: process.env.CREDENTIALS_ENCRYPTION_KEYS,
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child).catch((e: Error) => {
      throw new Error(`${e.message}\n${output()}`);
    });

    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    // Exiting by itself with 0 (not killed by the signal) means the app closed: the HTTP server, then
    // Prisma's pool and the Redis connection (their onModuleDestroy hooks).
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output()).toContain('SIGTERM received');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(output()).not.toMatch(/"level":50/);
  }, 60_000);
});
