import { CredentialCipher } from '@streamplane/secrets';
import { randomBytes, randomUUID } from 'node:crypto';
import { redactSecrets, sealSecrets } from '../secrets/pipeline-secrets';
import { parsePipelineSpec } from '../spec/pipeline-spec';
import { toPipelineWorkload, toRemovalWorkload } from './pipeline-workload';

const cipher = new CredentialCipher({ activeKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) });
const IMAGE = 'streamplane/pipeline-runner:test';

function spec() {
  return parsePipelineSpec({
    name: 'orders',
    topics: { partitions: 4, retentionHours: 2 },
    stages: [
      { name: 'read', kind: 'source.kafka', options: { topic: 'shop.orders' } },
      {
        name: 'check',
        kind: 'transform.validate',
        options: { schema: { type: 'object' }, onInvalid: 'dead-letter' },
        scaling: { lagThreshold: 50, maxReplicas: 2 },
      },
      {
        name: 'hook',
        kind: 'sink.http',
        options: { url: 'https://hooks.example.com/orders', headers: { Authorization: 'Bearer t0ken' } },
      },
    ],
  });
}

describe('a pipeline as the infra program deploys it', () => {
  it('gives each stage exactly its own topics and consumer group, and a source.kafka nothing to run', () => {
    const id = randomUUID();
    const workload = toPipelineWorkload(
      { id, spec: sealSecrets(spec(), id, cipher) },
      { image: IMAGE, paused: false, retainTopics: true, cipher },
    );
    expect(workload.topics).toEqual([
      {
        topicName: 'orders.check',
        partitions: 4,
        replicas: 3,
        retentionMs: 7_200_000,
        cleanupPolicy: 'delete',
        retainOnDelete: true,
      },
      {
        topicName: 'orders.check.dlq',
        partitions: 4,
        replicas: 3,
        retentionMs: 7_200_000,
        cleanupPolicy: 'delete',
        retainOnDelete: true,
      },
    ]);
    expect(workload.stages.map((s) => s.name)).toEqual(['check', 'hook']);
    expect(workload.stages[0]).toMatchObject({
      image: IMAGE,
      inputTopic: 'shop.orders',
      outputTopic: 'orders.check',
      consumerGroup: 'sp-orders-check',
      readTopics: ['shop.orders'],
      writeTopics: ['orders.check', 'orders.check.dlq'],
      scaling: { minReplicas: 1, maxReplicas: 2, lagThreshold: 50 },
      config: { kind: 'transform.validate', deadLetterTopic: 'orders.check.dlq' },
    });
    const hook = workload.stages[1];
    expect(hook).toMatchObject({ inputTopic: 'orders.check', readTopics: ['orders.check'], writeTopics: [] });
    expect(hook.outputTopic).toBeUndefined();
    // The header's value reaches the runner through its Secret; its config only names the variable.
    expect(hook.secretEnv).toEqual({ SP_SECRET_HEADERS_AUTHORIZATION: 'Bearer t0ken' });
    expect(hook.config).toMatchObject({
      headers: { Authorization: { env: 'SP_SECRET_HEADERS_AUTHORIZATION' } },
    });
    expect(JSON.stringify(hook.config)).not.toContain('t0ken');
  });

  it('opens no secret for a preview (no cipher)', () => {
    const id = randomUUID();
    const workload = toPipelineWorkload(
      { id, spec: sealSecrets(spec(), id, cipher) },
      { image: IMAGE, paused: true, retainTopics: false },
    );
    expect(workload.paused).toBe(true);
    expect(JSON.stringify(workload)).not.toContain('t0ken');
  });

  it('prepares a delete with topics: no stage left, every topic of the desired and applied spec released', () => {
    const id = randomUUID();
    const desired = sealSecrets(spec(), id, cipher);
    // The applied spec (an update that failed since) had a dedupe stage with a topic of its own.
    const applied = parsePipelineSpec({
      ...spec(),
      stages: [
        spec().stages[0],
        { name: 'dedupe', kind: 'transform.dedupe', options: { keyField: 'id', windowSeconds: 60 } },
        ...spec().stages.slice(1),
      ],
    });
    const workload = toRemovalWorkload({ id, spec: desired, appliedSpec: applied }, IMAGE);
    expect(workload).toMatchObject({ id, name: 'orders', stages: [] });
    expect(workload.topics.map((t) => [t.topicName, t.retainOnDelete])).toEqual([
      ['orders.check', false],
      ['orders.check.dlq', false],
      ['orders.dedupe', false],
    ]);
    expect(JSON.stringify(workload)).not.toContain('t0ken');
  });
});

describe('pipeline secrets', () => {
  it('seals them bound to the pipeline, shows them as { set: true }, and keeps them on { set: true }', () => {
    const id = randomUUID();
    const sealed = sealSecrets(spec(), id, cipher);
    expect(JSON.stringify(sealed)).not.toContain('t0ken');
    expect(redactSecrets(sealed).stages[2].options.headers).toEqual({ Authorization: { set: true } });

    const resent = sealSecrets(redactSecrets(sealed), id, cipher, sealed);
    expect(resent.stages[2].options.headers).toEqual(sealed.stages[2].options.headers);
    // Without a stored value there is nothing to keep.
    expect(() => sealSecrets(redactSecrets(sealed), id, cipher)).toThrow(/no stored one/);
    // Sealed for another pipeline: it does not open here.
    const other = randomUUID();
    expect(() =>
      toPipelineWorkload(
        { id: other, spec: sealed },
        { image: IMAGE, paused: false, retainTopics: true, cipher },
      ),
    ).toThrow(/failed authentication/);
  });
});
