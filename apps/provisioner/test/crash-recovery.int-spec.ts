import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import type { OperationChanged } from '@streamplane/deployments';
import { AgentTokensService } from '@streamplane/metering';
import { FileLocalStateStore, LocalStackEngine, type ResourceEvent } from '@streamplane/provisioning';
import { CredentialCipher } from '@streamplane/secrets';
import {
  enqueue,
  listen,
  makeDeployment,
  makeOrg,
  operationIn,
  testQueue,
  waitFor,
  type TestQueue,
} from './provisioner-fixtures';

// The provisioner as an operator runs it: its own process, killed for real.
const ROOT = path.resolve(__dirname, '../../..');
const MAIN = 'apps/provisioner/src/main.ts';

jest.setTimeout(120_000);

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
}

describe('provisioner processes: SIGKILL mid-run and graceful shutdown', () => {
  let stateDirectory: string;
  let config: AppConfig;
  let prisma: PrismaService;
  let queue: TestQueue;
  const children: ChildProcess[] = [];
  // A queue of its own: BullMQ's stalled check is throttled per queue by the interval of whichever worker ran
  // it last, and this file's workers check every 0.5 s.
  const keyPrefix = `${process.env.REDIS_KEY_PREFIX}crash:`;

  function startWorker(overrides: Record<string, string> = {}): WorkerProcess {
    let output = '';
    const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: process.env.DATABASE_URL,
        REDIS_URL: process.env.REDIS_URL,
        REDIS_KEY_PREFIX: keyPrefix,
        AUTH_SECRET: process.env.AUTH_SECRET,
        CREDENTIALS_ENCRYPTION_KEYS: process.env.CREDENTIALS_ENCRYPTION_KEYS,
        CLOUD_ENGINE: 'local',
        // Any free port for the worker's health and metrics server.
        PORT: '0',
        LOG_LEVEL: 'info',
        LOCAL_ENGINE_STATE_DIR: stateDirectory,
        // A cluster takes ~2 s, a whole deployment several seconds: long enough to be killed half-way.
        LOCAL_ENGINE_LATENCY_SCALE: '0.005',
        // A dead worker's job is noticed quickly: its lock lapses after 1.5 s, checked every 0.5 s.
        PROVISIONER_JOB_LOCK_MS: '1500',
        PROVISIONER_STALLED_INTERVAL_MS: '500',
        PROVISIONER_SHUTDOWN_TIMEOUT_SECONDS: '15',
        ...overrides,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  async function ready(worker: WorkerProcess): Promise<void> {
    await waitFor(
      'the worker to take jobs',
      () => Promise.resolve(worker.output().includes('Provisioner taking jobs')),
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${worker.output()}`);
    });
  }

  beforeAll(() => {
    stateDirectory = mkdtempSync(path.join(tmpdir(), 'sp-stacks-'));
    config = loadConfig({
      ...process.env,
      REDIS_KEY_PREFIX: keyPrefix,
      LOCAL_ENGINE_STATE_DIR: stateDirectory,
    });
    prisma = new PrismaService(config);
    queue = testQueue(config);
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await queue?.close();
    await prisma?.$disconnect();
    rmSync(stateDirectory, { recursive: true, force: true });
  });

  it('finishes an operation exactly once after its worker is SIGKILLed half-way, with one consistent stack', async () => {
    const org = await makeOrg(prisma);
    const live = await listen(config, org.orgId);
    try {
      const created = await makeDeployment(prisma, org);
      const target = { orgId: org.orgId, deploymentId: created.deploymentId };
      const first = startWorker();
      await ready(first);
      await enqueue(queue, target, created.operationId);

      // Half-way: some resources created, the cluster not yet.
      await waitFor(
        'a few resources to be created',
        async () =>
          (await prisma.resourceEvent.count({
            where: { operationId: created.operationId, state: 'succeeded' },
          })) >= 4,
      );
      first.child.kill('SIGKILL');
      await once(first.child, 'exit');
      expect(first.child.signalCode).toBe('SIGKILL');
      const atKill = await prisma.operation.findUniqueOrThrow({ where: { id: created.operationId } });
      expect(atKill.status).toBe('RUNNING');
      const eventsAtKill = await prisma.resourceEvent.count({ where: { operationId: created.operationId } });

      const second = startWorker();
      await ready(second);
      const done = await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED']).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${second.output()}`);
        },
      );
      expect(done).toMatchObject({ status: 'SUCCEEDED', active: null });
      // The second worker knew it was resuming an interrupted run.
      expect(second.output()).toMatch(
        /"interrupted":true[^\n]*Operation started|Operation started[^\n]*"interrupted":true/,
      );

      const deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } });
      expect(deployment).toMatchObject({
        status: 'RUNNING',
        generation: 1,
        observedGeneration: 1,
        statusMessage: null,
      });

      // Exactly once: one SUCCEEDED, one job completion, events numbered without gaps across both runs.
      await waitFor('the SUCCEEDED notification', () =>
        Promise.resolve(live.events.some((e) => e.kind === 'OPERATION' && e.status === 'SUCCEEDED')),
      );
      const succeeded = live.events.filter(
        (e): e is OperationChanged => e.kind === 'OPERATION' && e.status === 'SUCCEEDED',
      );
      expect(succeeded).toHaveLength(1);
      await waitFor('the job to complete', async () => {
        const job = await queue.getJob(`operation-${created.operationId}`);
        return (await job?.getState()) === 'completed';
      });
      const sequences = (
        await prisma.resourceEvent.findMany({
          where: { operationId: created.operationId },
          orderBy: { sequence: 'asc' },
        })
      ).map((e) => e.sequence);
      expect(sequences.length).toBeGreaterThan(eventsAtKill);
      expect(sequences).toEqual(sequences.map((_, i) => i + 1));

      // One stack, unlocked, nothing pending, no resource twice, and nothing left to create.
      expect(readdirSync(stateDirectory).filter((f) => f.startsWith(created.stackName))).toEqual([
        `${created.stackName}.json`,
      ]);
      const store = new FileLocalStateStore(stateDirectory);
      const state = (await store.read(created.stackName))!;
      expect(state.pendingOperations).toEqual([]);
      const urns = state.resources.map((r) => r.urn);
      expect(new Set(urns).size).toBe(urns.length);
      const plan: ResourceEvent[] = [];
      const preview = await new LocalStackEngine({ stateStore: store }).preview({
        stackName: created.stackName,
        input: {
          deploymentId: created.deploymentId,
          spec: deployment.spec as never,
          agent: {
            image: config.provisioning.agent.image,
            controlPlaneUrl: config.provisioning.agent.controlPlaneUrl,
            // The token the stack has, as the provisioner reads it: a preview with it changes nothing.
            token: await new AgentTokensService(
              prisma,
              config,
              new CredentialCipher(config.cloud.credentialsKeyring),
            ).tokenForStack(org.orgId, created.deploymentId),
          },
        },
        onEvent: (event) => plan.push(event),
      });
      expect(preview.summary).toMatchObject({ created: 0, replaced: 0, deleted: 0, updated: 0 });
      // The killed run issued the deployment's agent token; the resumed run handed the stack that same one.
      expect(await prisma.agentToken.count({ where: { deploymentId: created.deploymentId } })).toBe(1);
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    } finally {
      live.close();
    }
  });

  it('on SIGTERM hands the running operation back and exits 0; the next worker finishes it', async () => {
    const org = await makeOrg(prisma);
    const created = await makeDeployment(prisma, org);
    const target = { orgId: org.orgId, deploymentId: created.deploymentId };
    // Nothing is killed here, so no short lock: on a loaded machine a 1.5 s lock can lapse while the worker
    // is busy, and the job would come back as stalled instead of handed back.
    const first = startWorker({ PROVISIONER_JOB_LOCK_MS: '30000', PROVISIONER_STALLED_INTERVAL_MS: '30000' });
    await ready(first);
    await enqueue(queue, target, created.operationId);
    await waitFor(
      'a resource to be created',
      async () =>
        (await prisma.resourceEvent.count({
          where: { operationId: created.operationId, state: 'succeeded' },
        })) >= 2,
    );
    first.child.kill('SIGTERM');
    const [code] = (await once(first.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(first.output()).toContain('Operation handed back');
    // Back in the queue at once (not after a stall), the operation QUEUED, its deployment still in progress.
    const job = await queue.getJob(`operation-${created.operationId}`);
    expect(await job?.getState()).toBe('waiting');
    expect(job?.attemptsMade).toBe(0);
    expect(await prisma.operation.findUniqueOrThrow({ where: { id: created.operationId } })).toMatchObject({
      status: 'QUEUED',
      active: true,
    });

    const second = startWorker();
    await ready(second);
    expect(await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED'])).toMatchObject({
      status: 'SUCCEEDED',
    });
    expect(await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } })).toMatchObject({
      status: 'RUNNING',
      observedGeneration: 1,
    });
    second.child.kill('SIGTERM');
    const [secondCode] = (await once(second.child, 'exit')) as [number | null];
    expect(secondCode).toBe(0);
  });
});
