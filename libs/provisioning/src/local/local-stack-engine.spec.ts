import * as pulumi from '@pulumi/pulumi';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import { SecretValue } from '../secret-value';
import type { ResourceEvent, StackRequest } from '../stack-engine';
import { makeInput, makeRequest } from '../testing/factories';
import { fixtureClusterOnlyProgram, fixtureProgram } from '../testing/fixture-program';
import type { LocalStackEngineOptions } from './local-stack-engine';
import { LocalStackEngine } from './local-stack-engine';
import { FileLocalStateStore, InMemoryLocalStateStore } from './local-state-store';
import type { DeploymentProgram } from './program-graph';

const POOL = 'azure-native:containerservice:AgentPool';
const TARGET = path.join(__dirname, '..', 'testing', 'local-engine-target.ts');
const AKS = 'azure-native:containerservice:ManagedCluster';

function fixtureEngine(options: LocalStackEngineOptions = {}) {
  const stateStore = options.stateStore ?? new InMemoryLocalStateStore();
  return {
    engine: new LocalStackEngine({ program: fixtureProgram, ...options, stateStore }),
    store: stateStore,
  };
}

const request = (stack: string, extra: Partial<Omit<StackRequest, 'onEvent'>> = {}) =>
  makeRequest(stack, makeInput('azure'), extra);

async function failure(promise: Promise<unknown>): Promise<ProvisioningError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProvisioningError);
  return error as ProvisioningError;
}

const named = (events: ResourceEvent[], state: ResourceEvent['state']) =>
  events.filter((e) => e.state === state).map((e) => e.name);
const urnsOf = (
  events: ResourceEvent[],
  state: ResourceEvent['state'],
  operation?: ResourceEvent['operation'],
) =>
  new Set(
    events.filter((e) => e.state === state && (!operation || e.operation === operation)).map((e) => e.urn),
  );

/** Every URN of the fixture's plan for a fresh stack. */
async function allUrns(engine: LocalStackEngine, stack: string): Promise<Set<string>> {
  const preview = await engine.preview(request(`${stack}-plan`));
  return new Set(preview.plan.map((step) => step.urn.replaceAll(`${stack}-plan`, stack)));
}

/** A latency that differs per resource (stable), so completions interleave differently from starts. */
const jitter = (step: { type: string }) => (step.type.length * 7) % 13;

describe('LocalStackEngine (fixture program)', () => {
  it('names resources as the Pulumi engine does, with the default providers a real run would create', async () => {
    const { engine } = fixtureEngine();
    const { plan } = await engine.preview(request('urns'));
    const urns = plan.map((step) => step.urn);
    expect(urns).toContain('urn:pulumi:urns::streamplane::pulumi:pulumi:Stack::streamplane-urns');
    // Children of the stack are not qualified by its type; deeper ones by their whole parent chain.
    expect(urns).toContain('urn:pulumi:urns::streamplane::streamplane:fixture:Cluster::kafka');
    expect(urns).toContain(
      'urn:pulumi:urns::streamplane::streamplane:fixture:Cluster$azure-native:resources:ResourceGroup::kafka-rg',
    );
    const provider = urns.indexOf('urn:pulumi:urns::streamplane::pulumi:providers:azure-native::default');
    expect(provider).toBeGreaterThanOrEqual(0);
    expect(provider).toBeLessThan(urns.findIndex((urn) => urn.includes('azure-native:resources')));
    expect(new Set(urns).size).toBe(urns.length);
  });

  it('events arrive in dependency order: nothing starts before its parent and every dependency succeeded', async () => {
    const { engine, store } = fixtureEngine({ latency: (step) => jitter(step), parallelism: 4 });
    const req = request('ordering');
    await engine.up(req);

    const succeededAt = new Map(
      req.events.filter((e) => e.state === 'succeeded').map((e) => [e.urn, e.sequence]),
    );
    const state = (await store.read('ordering'))!;
    expect(state.resources).toHaveLength(16);
    let checked = 0;
    for (const resource of state.resources) {
      const started = req.events.find((e) => e.urn === resource.urn && e.state === 'in_progress')!;
      for (const before of [resource.parentUrn, ...resource.dependencies]) {
        if (!before) continue;
        expect(succeededAt.get(before)).toBeLessThan(started.sequence);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('independent steps run at the same time (the three zonal node pools)', async () => {
    const { engine } = fixtureEngine({ latency: (step) => (step.type === POOL ? 30 : 0) });
    const req = request('parallel');
    await engine.up(req);
    const pools = req.events.filter((e) => e.type === POOL);
    const lastStart = Math.max(...pools.filter((e) => e.state === 'in_progress').map((e) => e.sequence));
    const firstEnd = Math.min(...pools.filter((e) => e.state === 'succeeded').map((e) => e.sequence));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  it('an injected failure fails that resource, names it, and stops everything that depends on it', async () => {
    const { engine, store } = fixtureEngine({
      failures: [{ match: { type: AKS }, message: 'Code="QuotaExceeded": cores quota exceeded (simulated)' }],
    });
    const req = request('fail-aks');
    const error = await failure(engine.up(req));

    expect(error.code).toBe(ProvisioningErrorCode.RESOURCE_FAILED);
    expect(error.retryable).toBe(false);
    expect(error.resource).toEqual({
      urn: 'urn:pulumi:fail-aks::streamplane::streamplane:fixture:Cluster$azure-native:containerservice:ManagedCluster::kafka-aks',
      type: AKS,
      name: 'kafka-aks',
      message: 'Code="QuotaExceeded": cores quota exceeded (simulated)',
    });
    expect(req.events.filter((e) => e.state === 'failed')).toEqual([
      expect.objectContaining({
        name: 'kafka-aks',
        error: 'Code="QuotaExceeded": cores quota exceeded (simulated)',
      }),
    ]);
    // Its dependants never started: the node pools, the Kubernetes provider built from its kubeconfig, and
    // every Kubernetes object; they stay pending.
    const started = named(req.events, 'in_progress');
    expect(started).toEqual(expect.arrayContaining(['kafka-rg', 'kafka-vnet', 'kafka-nodes', 'kafka-aks']));
    for (const name of [
      'kafka-kafka-1',
      'kafka-kafka-2',
      'kafka-kafka-3',
      'platform-k8s',
      'platform-kafka-ns',
      'platform-kafka',
    ]) {
      expect(started).not.toContain(name);
      expect(named(req.events, 'pending')).toContain(name);
    }
    const state = (await store.read('fail-aks'))!;
    expect(state.resources.map((r) => r.name)).not.toContain('kafka-aks');
    expect(state.pendingOperations).toEqual([]);
  });

  it('after a failure nothing new starts, and the steps already running finish (Pulumi without --continue-on-error)', async () => {
    const { engine } = fixtureEngine({ latency: 20, failures: [{ match: { type: POOL }, times: 1 }] });
    const req = request('stop');
    const error = await failure(engine.up(req));

    const failed = req.events.find((e) => e.state === 'failed')!;
    expect(error.failedResources).toHaveLength(1);
    expect(error.resource!.name).toBe(failed.name);
    expect(req.events.filter((e) => e.state === 'in_progress' && e.sequence > failed.sequence)).toEqual([]);
    // The other two pools and the Kubernetes provider were running: they finished.
    const finished = named(req.events, 'succeeded');
    expect(finished.filter((name) => name.startsWith('kafka-kafka-'))).toHaveLength(2);
    expect(finished).toContain('platform-k8s');
    expect(named(req.events, 'in_progress')).not.toContain('platform-kafka-ns');
  });

  it('with continueOnError, everything that does not depend on the failure still runs', async () => {
    const { engine } = fixtureEngine({ failures: [{ match: { type: 'kubernetes:helm.sh/v3:Release' } }] });
    const req = request('continue', { continueOnError: true });
    const error = await failure(engine.up(req));

    expect(error.resource!.name).toBe('platform-strimzi');
    const finished = named(req.events, 'succeeded');
    expect(finished).toEqual(
      expect.arrayContaining(['platform-agent-token', 'kafka-kafka-1', 'kafka-kafka-3']),
    );
    // The Kafka cluster depends on the operator's release: never started.
    expect(named(req.events, 'in_progress')).not.toContain('platform-kafka');
  });

  it('fails the step after N resources when told to', async () => {
    const { engine } = fixtureEngine({ failures: [{ match: { afterResources: 6 } }] });
    const req = request('after-n');
    const error = await failure(engine.up(req));
    const started = req.events.filter((e) => e.state === 'in_progress');
    expect(named(req.events, 'succeeded')).toHaveLength(6);
    expect(started).toHaveLength(7);
    expect(error.resource!.urn).toBe(started[6].urn);
  });

  it('a transient failure is retryable, and a failure for one run only lets the retry finish the job', async () => {
    const { engine } = fixtureEngine({
      failures: [
        { match: { type: POOL }, transient: true, times: 1, message: 'TooManyRequests (simulated)' },
      ],
    });
    const first = await failure(engine.up(request('transient')));
    expect(first.retryable).toBe(true);
    const retry = request('transient');
    const result = await engine.up(retry);
    expect(result.summary.created).toBeGreaterThan(0);
    expect(result.summary.created + result.summary.same).toBe(16);
  });

  it('destroy after a partial up removes exactly what was created, dependants first', async () => {
    const { engine, store } = fixtureEngine({ failures: [{ match: { afterResources: 9 } }] });
    const up = request('partial');
    await failure(engine.up(up));
    const created = urnsOf(up.events, 'succeeded', 'create');
    // Nine, plus whatever was already running when the tenth failed.
    expect(created.size).toBeGreaterThanOrEqual(9);
    expect(created.size).toBeLessThan(16);

    const destroy = request('partial');
    const result = await engine.destroy(destroy);
    expect(urnsOf(destroy.events, 'succeeded', 'delete')).toEqual(created);
    expect(urnsOf(destroy.events, 'in_progress')).toEqual(created);
    expect(result.summary.deleted).toBe(created.size);
    const deletedAt = new Map(
      destroy.events.filter((e) => e.state === 'succeeded').map((e) => [e.urn, e.sequence]),
    );
    for (const resource of (await store.read('partial'))?.resources ?? []) expect(resource).toBeUndefined();
    for (const event of destroy.events.filter(
      (e) => e.state === 'in_progress' && e.parentUrn && created.has(e.parentUrn),
    )) {
      expect(deletedAt.get(event.parentUrn!)).toBeGreaterThan(event.sequence);
    }
  });

  it('cancellation stops promptly with CANCELLED, leaving a consistent, unlocked state', async () => {
    const { engine, store } = fixtureEngine({ latency: 2_000 });
    const controller = new AbortController();
    let abortedAt = 0;
    const req = request('cancel', { signal: controller.signal });
    const collect = req.onEvent;
    req.onEvent = (event) => {
      collect(event);
      if (event.state === 'in_progress' && event.name === 'kafka-rg') {
        abortedAt = Date.now();
        controller.abort();
      }
    };
    const error = await failure(engine.up(req));

    expect(error.code).toBe(ProvisioningErrorCode.CANCELLED);
    // A step takes 2 s; the run ends long before that.
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(req.events.at(-1)).toMatchObject({
      name: 'kafka-rg',
      state: 'failed',
      error: 'Cancelled before it finished',
    });
    const state = (await store.read('cancel'))!;
    expect(state.pendingOperations).toEqual([]);
    expect(state.resources.map((r) => r.name)).not.toContain('kafka-rg');
    // Not locked: the next run goes ahead.
    await expect(engine.preview(request('cancel'))).resolves.toBeDefined();
    const resumed = await fixtureEngine({ stateStore: store }).engine.up(request('cancel'));
    expect(resumed.summary.created + resumed.summary.same).toBe(16);
  });

  it('an up after an interrupted up creates only the resources that are missing', async () => {
    const { engine, store } = fixtureEngine({ latency: 3, parallelism: 2 });
    const all = await allUrns(engine, 'resume');
    const controller = new AbortController();
    const first = request('resume', { signal: controller.signal });
    const collect = first.onEvent;
    first.onEvent = (event) => {
      collect(event);
      if (first.events.filter((e) => e.state === 'succeeded').length === 7) controller.abort();
    };
    expect((await failure(engine.up(first))).code).toBe(ProvisioningErrorCode.CANCELLED);
    const createdFirst = urnsOf(first.events, 'succeeded', 'create');
    expect(createdFirst.size).toBe(7);

    const second = request('resume');
    const result = await fixtureEngine({ stateStore: store }).engine.up(second);
    const createdSecond = urnsOf(second.events, 'succeeded', 'create');
    expect([...createdSecond].filter((urn) => createdFirst.has(urn))).toEqual([]);
    expect(new Set([...createdFirst, ...createdSecond])).toEqual(all);
    expect(urnsOf(second.events, 'succeeded', 'same')).toEqual(createdFirst);
    expect(result.summary).toMatchObject({ created: all.size - 7, same: 7 });
  });

  describe('what a crashed worker leaves behind', () => {
    async function crashedState(stack: string) {
      const { engine, store } = fixtureEngine({ failures: [{ match: { afterResources: 5 }, times: 1 }] });
      const partial = request(stack);
      await failure(engine.up(partial));
      const interrupted = partial.events.find((e) => e.state === 'failed')!;
      // What a worker killed mid-step leaves: its lock, and the step it was doing as a pending operation.
      const state = (await store.read(stack))!;
      state.pendingOperations = [{ urn: interrupted.urn, type: interrupted.type, operation: 'creating' }];
      await store.write(state);
      const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
      await store.lock(stack, {
        runId: 'dead-run',
        operation: 'up',
        pid: deadPid,
        hostname: hostname(),
        acquiredAt: new Date(0).toISOString(),
      });
      return { engine, store, interrupted, created: urnsOf(partial.events, 'succeeded', 'create') };
    }

    it('is refused (STACK_LOCKED, retryable) until the caller says the previous run was interrupted', async () => {
      const { engine } = await crashedState('crashed-1');
      const error = await failure(engine.up(request('crashed-1')));
      expect(error.code).toBe(ProvisioningErrorCode.STACK_LOCKED);
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('no longer alive');
    });

    it('is cleared on a run marked interrupted, which then creates only what is missing', async () => {
      const { engine, store, interrupted, created } = await crashedState('crashed-2');
      const req = request('crashed-2', { previousRunInterrupted: true });
      const result = await engine.up(req);
      expect(result.recovery).toEqual({
        clearedLock: true,
        clearedPendingOperations: [{ urn: interrupted.urn, operation: 'creating' }],
        possibleOrphans: [],
      });
      expect([...urnsOf(req.events, 'succeeded', 'create')].filter((urn) => created.has(urn))).toEqual([]);
      expect(urnsOf(req.events, 'succeeded', 'create').has(interrupted.urn)).toBe(true);
      expect((await store.read('crashed-2'))!.pendingOperations).toEqual([]);
    });

    it('pending operations without a lock: PENDING_OPERATIONS until the run is marked interrupted', async () => {
      const { engine, store } = await crashedState('crashed-3');
      await store.unlock('crashed-3', 'dead-run');
      expect((await failure(engine.up(request('crashed-3')))).code).toBe(
        ProvisioningErrorCode.PENDING_OPERATIONS,
      );
      await expect(engine.up(request('crashed-3', { previousRunInterrupted: true }))).resolves.toBeDefined();
    });

    it('a lock held by a live process is never taken over, even when told the run was interrupted', async () => {
      const { engine, store } = await crashedState('crashed-4');
      await store.unlock('crashed-4', 'dead-run');
      await store.lock('crashed-4', {
        runId: 'live',
        operation: 'up',
        pid: process.ppid,
        hostname: hostname(),
        acquiredAt: new Date().toISOString(),
      });
      const error = await failure(engine.up(request('crashed-4', { previousRunInterrupted: true })));
      expect(error.code).toBe(ProvisioningErrorCode.CONCURRENT_UPDATE);
    });
  });

  it('a worker killed with SIGKILL mid-run is resumed by the next one from the file state', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'streamplane-crash-'));
    try {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', TARGET, 'up-slowly', directory, 'killed'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const seen: ResourceEvent[] = [];
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (!line.startsWith('{'))
            return reject(new Error(`the worker finished before it was killed: ${line}`));
          seen.push(JSON.parse(line) as ResourceEvent);
          if (seen.filter((e) => e.state === 'succeeded').length === 6) {
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await new Promise((resolve) => child.on('exit', resolve));

      const store = new FileLocalStateStore(directory);
      const { engine } = fixtureEngine({ stateStore: store });
      // The dead worker's lock is still there: refused until the run is marked interrupted.
      expect((await failure(engine.up(request('killed')))).code).toBe(ProvisioningErrorCode.STACK_LOCKED);
      const resumed = request('killed', { previousRunInterrupted: true });
      const result = await engine.up(resumed);

      const before = new Set((await store.read('killed'))!.resources.map((r) => r.urn));
      expect(before.size).toBe(16);
      const createdBefore = urnsOf(seen, 'succeeded', 'create');
      expect(
        [...urnsOf(resumed.events, 'succeeded', 'create')].filter((urn) => createdBefore.has(urn)),
      ).toEqual([]);
      expect(result.summary.created + result.summary.same).toBe(16);
      expect(result.recovery?.clearedLock).toBe(true);
      // One stack, one state file, no lock left.
      expect(readdirSync(directory).sort()).toEqual(['killed.json']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 20_000);

  it('preview shows updates and deletes against the state, with the changed properties, deletes last', async () => {
    const { engine, store } = fixtureEngine();
    await engine.up(request('changes'));

    const bigger = makeRequest('changes', makeInput('azure', { spec: { nodeSize: 'Standard_E8s_v5' } }));
    const update = await engine.preview(bigger);
    expect(update.summary).toMatchObject({ created: 0, updated: 3, deleted: 0, replaced: 0 });
    expect(update.plan.filter((s) => s.operation === 'update')).toEqual(
      ['kafka-kafka-1', 'kafka-kafka-2', 'kafka-kafka-3'].map((name) =>
        expect.objectContaining({ name, diffs: ['vmSize'] }),
      ),
    );

    const moved = await engine.preview(
      makeRequest('changes', makeInput('azure', { spec: { region: 'northeurope' } })),
    );
    expect(moved.plan.find((s) => s.name === 'kafka-rg')).toMatchObject({
      operation: 'replace',
      diffs: ['location'],
    });

    // The same stack under a program without the platform: its resources are deleted, after everything else.
    const smaller = new LocalStackEngine({ program: fixtureClusterOnlyProgram, stateStore: store });
    const removal = await smaller.preview(request('changes'));
    const deletes = removal.plan.filter((s) => s.operation === 'delete');
    expect(deletes.map((s) => s.name).sort()).toEqual(
      [
        'platform',
        'platform-agent-token',
        'platform-k8s',
        'platform-kafka',
        'platform-kafka-ns',
        'platform-strimzi',
      ].sort(),
    );
    expect(removal.plan.slice(-deletes.length)).toEqual(deletes);
    expect(deletes.at(-1)!.name).toBe('platform');
    const applied = request('changes');
    await smaller.up(applied);
    expect(named(applied.events, 'succeeded').filter((n) => n.startsWith('platform'))).toHaveLength(6);
    expect((await store.read('changes'))!.resources.map((r) => r.name)).not.toContain('platform-kafka');
  });

  describe('retainOnDelete (as Pulumi applies it: the option recorded by the previous run)', () => {
    const TOPIC_TYPE = 'test:index:Topic';
    class Topic extends pulumi.CustomResource {
      constructor(name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super(TOPIC_TYPE, name, args, opts);
      }
    }
    /** Two topics; the tags say which are in the program and whether they are registered retainOnDelete. */
    const topics: DeploymentProgram = (input) => () => {
      for (const name of ['orders', 'audit']) {
        if (input.spec.tags[`drop-${name}`]) continue;
        new Topic(name, { partitions: 3 }, { retainOnDelete: input.spec.tags.retain === 'yes' });
      }
      return Promise.resolve({});
    };
    const run = (tags: Record<string, string>) =>
      makeRequest('retained', makeInput('azure', { spec: { tags } }));
    const topicEvents = (events: ResourceEvent[]) =>
      events
        .filter((e) => e.type === TOPIC_TYPE && e.state !== 'pending')
        .map((e) => [e.name, e.operation, e.state]);

    it('drops a retained resource from the state without deleting it, and reports it as retained', async () => {
      const store = new InMemoryLocalStateStore();
      const engine = new LocalStackEngine({ program: topics, stateStore: store });
      await engine.up(run({ retain: 'yes' }));

      const planned = await engine.preview(run({ retain: 'yes', 'drop-orders': 'x' }));
      expect(planned.plan.filter((s) => s.type === TOPIC_TYPE && s.operation !== 'same')).toEqual([
        expect.objectContaining({ name: 'orders', operation: 'retain' }),
      ]);
      const removal = run({ retain: 'yes', 'drop-orders': 'x' });
      const result = await engine.up(removal);
      expect(topicEvents(removal.events)).toEqual([
        ['audit', 'same', 'succeeded'],
        ['orders', 'retain', 'in_progress'],
        ['orders', 'retain', 'succeeded'],
      ]);
      // Counted among the deletes, as Pulumi's summary counts the step.
      expect(result.summary).toMatchObject({ deleted: 1, created: 0 });
      const state = (await store.read('retained'))!;
      expect(state.resources.map((r) => r.name)).not.toContain('orders');
      expect(state.resources.find((r) => r.name === 'audit')).toMatchObject({ retainOnDelete: true });
    });

    it('takes the option of an unchanged resource into the state, so turning it off first makes the removal a delete', async () => {
      const store = new InMemoryLocalStateStore();
      const engine = new LocalStackEngine({ program: topics, stateStore: store });
      await engine.up(run({ retain: 'yes' }));
      // Same inputs, option off: nothing changes in the cloud, but the state forgets the option.
      const release = run({ retain: 'no' });
      await engine.up(release);
      expect(topicEvents(release.events)).toEqual([
        ['orders', 'same', 'succeeded'],
        ['audit', 'same', 'succeeded'],
      ]);
      expect((await store.read('retained'))!.resources.some((r) => r.retainOnDelete)).toBe(false);

      const removal = run({ retain: 'no', 'drop-orders': 'x', 'drop-audit': 'x' });
      await engine.up(removal);
      expect(topicEvents(removal.events).filter(([, op]) => op !== 'same')).toEqual(
        expect.arrayContaining([
          ['orders', 'delete', 'in_progress'],
          ['orders', 'delete', 'succeeded'],
          ['audit', 'delete', 'succeeded'],
        ]),
      );
      expect(removal.events.some((e) => e.operation === 'retain')).toBe(false);
    });

    it('a resource registered without the option is deleted even if the removing run would retain it', async () => {
      const engine = new LocalStackEngine({ program: topics });
      await engine.up(run({ retain: 'no' }));
      const removal = run({ retain: 'yes', 'drop-orders': 'x' });
      await engine.up(removal);
      expect(topicEvents(removal.events)).toContainEqual(['orders', 'delete', 'succeeded']);
    });

    it('destroy retains them too', async () => {
      const engine = new LocalStackEngine({ program: topics });
      await engine.up(run({ retain: 'yes' }));
      const destroy = run({ retain: 'yes' });
      await engine.destroy(destroy);
      expect(topicEvents(destroy.events).filter(([, , state]) => state === 'succeeded')).toEqual(
        expect.arrayContaining([
          ['orders', 'retain', 'succeeded'],
          ['audit', 'retain', 'succeeded'],
        ]),
      );
    });
  });

  it('is deterministic: the same input gives the same plan and outputs; another deployment gets its own', async () => {
    const runs = await Promise.all(
      [
        '6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34',
        '6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34',
        '0b7e2d41-3c5a-4e6f-8a9b-1c2d3e4f5a6b',
      ].map(async (deploymentId) => {
        const { engine } = fixtureEngine();
        const input = makeInput('aws', { deploymentId });
        const plan = (await engine.preview(makeRequest('det', input))).plan;
        const { outputs } = await engine.up(makeRequest('det', input));
        const revealed = Object.fromEntries(
          Object.entries(outputs).map(([k, v]) => [k, v instanceof SecretValue ? v.reveal() : v]),
        );
        return { plan, revealed };
      }),
    );
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2].plan.map((s) => s.urn)).toEqual(runs[0].plan.map((s) => s.urn));
    expect(runs[2].revealed.clusterName).not.toEqual(runs[0].revealed.clusterName);
    expect(runs[2].revealed.bootstrapExternal).not.toEqual(runs[0].revealed.bootstrapExternal);
  });

  it('labels everything as a simulation: simulated results, endpoints under .local.streamplane.invalid', async () => {
    const { engine } = fixtureEngine();
    const result = await engine.up(request('labels'));
    expect(result).toMatchObject({ engine: 'local', simulated: true });
    expect(result.outputs.bootstrapExternal).toMatch(/\.local\.streamplane\.invalid:9094$/);
    expect(result.outputs.grafanaUrl).toMatch(/^https:\/\/[^/]+\.local\.streamplane\.invalid\//);
    expect((result.outputs.kubeconfig as SecretValue<string>).reveal()).toMatch(
      /server: https:\/\/\S+\.local\.streamplane\.invalid:443/,
    );
  });

  it('keeps secrets secret: not in the result JSON, the events, or the state on disk', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'streamplane-state-'));
    try {
      const { engine } = fixtureEngine({ stateStore: new FileLocalStateStore(directory) });
      const req = request('secrets');
      const result = await engine.up(req);
      const kubeconfig = (result.outputs.kubeconfig as SecretValue<string>).reveal();
      const token = makeInput('azure').agent.token as string;
      const onDisk = readFileSync(path.join(directory, 'secrets.json'), 'utf8');
      for (const text of [JSON.stringify(result), JSON.stringify(req.events), onDisk]) {
        expect(text).not.toContain(kubeconfig);
        expect(text).not.toContain(token);
      }
      expect(JSON.parse(onDisk).outputs.kubeconfig).toEqual({ value: null, secret: true });
      // A refresh gives the secret back (derived again from the program, never stored).
      const refreshed = await engine.refresh(request('secrets'));
      expect((refreshed.outputs.kubeconfig as SecretValue<string>).reveal()).toBe(kubeconfig);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('operations on different stacks run at the same time; only program evaluations queue', async () => {
    const { engine } = fixtureEngine({ latency: 15 });
    const a = request('concurrent-a');
    const b = request('concurrent-b');
    await Promise.all([engine.up(a), engine.up(b)]);
    // b started working before a had finished.
    const lastA = a.events.at(-1)!.time;
    expect(b.events.some((e) => e.state === 'in_progress' && e.time < lastA)).toBe(true);
    // The Pulumi runtime is left reset: no mock monitor stays installed for whatever runs next.
    expect(pulumi.runtime.hasMonitor()).toBe(false);
  });

  it('a program that throws is PROGRAM_ERROR, and the next run of the stack is not affected', async () => {
    const throwing: DeploymentProgram = (input) =>
      input.spec.tags.fail ? () => Promise.reject(new Error('the program is broken')) : fixtureProgram(input);
    const engine = new LocalStackEngine({ program: throwing });
    const error = await failure(
      engine.up(makeRequest('broken', makeInput('azure', { spec: { tags: { fail: 'yes' } } }))),
    );
    expect(error.code).toBe(ProvisioningErrorCode.PROGRAM_ERROR);
    expect(error.message).toMatch(/the program is broken/);
    await expect(engine.up(makeRequest('broken', makeInput('azure')))).resolves.toMatchObject({
      simulated: true,
    });
  });

  it("an error inside an apply (an unhandled rejection in Pulumi's runtime) is PROGRAM_ERROR, not a crash", async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'streamplane-broken-'));
    try {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', TARGET, 'broken-apply', directory, 'broken'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const lines: string[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(lines.at(-1)).toMatch(/^FAILED PROGRAM_ERROR .*an apply is broken/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 20_000);

  it('a state that cannot be written stops the run: ENGINE_UNAVAILABLE (retryable), the stack unlocked', async () => {
    class FullDisk extends InMemoryLocalStateStore {
      writes = 0;
      override write(state: Parameters<InMemoryLocalStateStore['write']>[0]) {
        this.writes += 1;
        return this.writes > 5
          ? Promise.reject(new Error('ENOSPC: no space left on device'))
          : super.write(state);
      }
    }
    const store = new FullDisk();
    const { engine } = fixtureEngine({ stateStore: store });
    const req = request('full-disk');
    const error = await failure(engine.up(req));
    expect(error.code).toBe(ProvisioningErrorCode.ENGINE_UNAVAILABLE);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ENOSPC');
    expect(req.events.filter((e) => e.state === 'in_progress').length).toBeLessThan(6);
    expect(
      await store.lock('full-disk', {
        runId: 'next',
        operation: 'up',
        pid: process.pid,
        hostname: hostname(),
        acquiredAt: '',
      }),
    ).toBeUndefined();
  });

  it('a simulated credential rejection fails the run before any resource', async () => {
    const { engine } = fixtureEngine({
      failures: [{ match: { credentialsRejected: true }, stackName: 'creds' }],
    });
    const req = request('creds');
    const error = await failure(engine.up(req));
    expect(error.code).toBe(ProvisioningErrorCode.CREDENTIALS_REJECTED);
    expect(req.events).toEqual([]);
    await expect(engine.up(request('other-stack'))).resolves.toBeDefined();
  });
});
