/**
 * The api as its own process, as production runs it (apps/api/src/main.ts), for benchmarks that load it
 * from this process; and the CPU time of processes and of the machine, from /proc (Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { log } from './bench-result';

const sleep = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, delayMs));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the api from the repository root with `env`; `cpuProf` writes a V8 CPU profile on exit. */
export function startApi(env: NodeJS.ProcessEnv, cpuProf: boolean): ChildProcess {
  const args = [...(cpuProf ? ['--cpu-prof'] : []), '-r', '@swc-node/register', 'apps/api/src/main.ts'];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') log(`the api exited: ${code ?? signal}`);
  });
  return child;
}

export async function waitForApi(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the api exited with ${child.exitCode} before answering`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('the api did not answer /healthz within 60 s');
    await sleep(200);
  }
}

export async function stopApi(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(25_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Busy and total jiffies of the whole machine. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const values = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    const idle = values[3] + values[4];
    const total = values.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** The share of the machine's CPU that was busy between two machineCpu() readings, e.g. "87%". */
export function busyBetween(before: { busy: number; total: number }, after: { busy: number; total: number }) {
  return `${(((after.busy - before.busy) / (after.total - before.total)) * 100).toFixed(0)}%`;
}
