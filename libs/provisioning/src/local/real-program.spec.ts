import * as pulumi from '@pulumi/pulumi';
import type { Cloud } from '@streamplane/deployment-spec';
import type { PreviewResult } from '../stack-engine';
import { makeInput, makeRequest } from '../testing/factories';
import { LocalStackEngine } from './local-stack-engine';
import { InMemoryLocalStateStore } from './local-state-store';
import { createMockCloud } from './mock-cloud';

/**
 * The local engine with the real infra program (`deploymentProgram` from @streamplane/infra), for both
 * clouds: the preview is exactly the program's resources, it is deterministic, and `up` plays the real
 * graph out in dependency order with simulated, clearly labelled outputs.
 */

/** What the program registers, recorded with nothing but Pulumi's own mocks (no graph recorder, no planner). */
async function registeredByTheProgram(cloud: Cloud): Promise<string[]> {
  // Imported as the engine imports it: lazily (the cloud SDKs are large).
  const { deploymentProgram } = await import('@streamplane/infra');
  const input = makeInput(cloud);
  const mockCloud = createMockCloud({
    deploymentId: input.deploymentId,
    cloud,
    region: input.spec.region,
    zones: input.spec.zones,
  });
  const registered: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(`${args.type}::${args.name}`);
        return mockCloud.newResource({ ...args, urn: `${args.type}::${args.name}` });
      },
      call: (args) => mockCloud.call(args),
    },
    'streamplane',
    'independent',
    false,
  );
  try {
    await pulumi.runtime.runInPulumiStack(() =>
      deploymentProgram({ ...input, agent: { ...input.agent, token: pulumi.secret('t') } })(),
    );
    await pulumi.runtime.disconnect();
  } finally {
    pulumi.runtime.resetOptions('', '', -1, '', '', false, '');
  }
  return registered.filter((entry) => !entry.startsWith('pulumi:pulumi:Stack::')).sort();
}

const withoutTiming = ({ durationMs: _durationMs, ...rest }: PreviewResult) => rest;

describe.each(['azure', 'aws'] as const)('LocalStackEngine with the real program: %s', (cloud) => {
  const store = new InMemoryLocalStateStore();
  const engine = new LocalStackEngine({
    stateStore: store,
    latency: (step) => (step.type.length * 7) % 4,
    parallelism: 8,
  });
  let preview: PreviewResult;

  beforeAll(async () => {
    preview = await engine.preview(makeRequest('real', makeInput(cloud)));
  }, 30_000);

  it('preview lists exactly the resources the program registers, plus the default providers a real run adds', async () => {
    const expected = await registeredByTheProgram(cloud);
    const planned = preview.plan
      .filter((step) => step.type !== 'pulumi:pulumi:Stack')
      .filter((step) => !(step.type.startsWith('pulumi:providers:') && step.name.startsWith('default')))
      .map((step) => `${step.type}::${step.name}`)
      .sort();
    expect(planned).toEqual(expected);
    expect(preview.plan.every((step) => step.operation === 'create')).toBe(true);
    expect(preview.summary.created).toBe(preview.plan.length);
    const providers = preview.plan.filter((s) => s.type.startsWith('pulumi:providers:')).map((s) => s.type);
    expect(providers).toEqual(
      expect.arrayContaining([
        `pulumi:providers:${cloud === 'azure' ? 'azure-native' : 'aws'}`,
        'pulumi:providers:kubernetes',
      ]),
    );
  }, 30_000);

  it('plans the cluster, a Kafka node pool in each of the three zones, and the Strimzi Kafka', () => {
    const types = preview.plan.map((step) => step.type);
    const { zones } = makeInput(cloud).spec;
    const [clusterType, poolType] =
      cloud === 'azure'
        ? ['azure-native:containerservice:ManagedCluster', 'azure-native:containerservice:AgentPool']
        : ['aws:eks/cluster:Cluster', 'aws:eks/nodeGroup:NodeGroup'];
    expect(types.filter((t) => t === clusterType)).toHaveLength(1);
    const pools = preview.plan.filter((s) => s.type === poolType).map((s) => s.name);
    for (const zone of zones) expect(pools.some((name) => name.endsWith(`brokers-${zone}`))).toBe(true);
    expect(types).toContain('kubernetes:kafka.strimzi.io/v1:Kafka');
  });

  it('the same input gives the identical preview (a second engine evaluates the program again)', async () => {
    const again = await new LocalStackEngine().preview(makeRequest('real', makeInput(cloud)));
    expect(withoutTiming(again)).toEqual(withoutTiming(preview));
  }, 30_000);

  it('up plays the real graph out in dependency order, with outputs labelled as simulated', async () => {
    const req = makeRequest('real', makeInput(cloud));
    const result = await engine.up(req);

    expect(result.summary.created).toBe(preview.plan.length);
    const succeededAt = new Map(
      req.events.filter((e) => e.state === 'succeeded').map((e) => [e.urn, e.sequence]),
    );
    for (const resource of (await store.read('real'))!.resources) {
      const started = req.events.find((e) => e.urn === resource.urn && e.state === 'in_progress')!.sequence;
      for (const before of [resource.parentUrn, ...resource.dependencies].filter(Boolean)) {
        expect(succeededAt.get(before!)).toBeLessThan(started);
      }
    }
    expect(result.simulated).toBe(true);
    expect(result.outputs.bootstrapExternal).toMatch(/\.local\.streamplane\.invalid:\d+$/);
    expect(result.outputs.grafanaUrl).toMatch(/^https:\/\/[^/]+\.local\.streamplane\.invalid\//);
  }, 30_000);

  if (cloud === 'azure') {
    it('more brokers preview as updates of what runs them, nothing created or deleted', async () => {
      const scaled = await engine.preview(makeRequest('real', makeInput(cloud, { spec: { brokers: 6 } })));
      const changed = scaled.plan.filter((step) => step.operation !== 'same');
      expect(scaled.summary).toMatchObject({ created: 0, deleted: 0, replaced: 0 });
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.every((step) => step.operation === 'update')).toBe(true);
      expect(changed.map((step) => step.type)).toContain('kubernetes:kafka.strimzi.io/v1:KafkaNodePool');
    }, 30_000);
  }
});
