import type { EngineEvent, OpType } from '@pulumi/pulumi/automation';
import type { ResourceEvent } from '../stack-engine';
import { EngineEventTranslator, cleanMessage, operationOf } from './engine-events';

// Engine events as the Automation API hands them to `onEvent` (the CLI's event log, one JSON object a line).
const STACK = 'urn:pulumi:dep-1::streamplane::pulumi:pulumi:Stack::streamplane-dep-1';
const RG =
  'urn:pulumi:dep-1::streamplane::streamplane:azure:KafkaCluster$azure-native:resources:ResourceGroup::orders-rg';
const AKS =
  'urn:pulumi:dep-1::streamplane::streamplane:azure:KafkaCluster$azure-native:containerservice:ManagedCluster::orders-aks';
const POOL =
  'urn:pulumi:dep-1::streamplane::streamplane:azure:KafkaCluster$azure-native:containerservice:AgentPool::brokers-1';
const COMPONENT = 'urn:pulumi:dep-1::streamplane::streamplane:azure:KafkaCluster::orders';

let sequence = 0;
function metadata(op: OpType, urn: string, type: string, parent = COMPONENT, diffs?: string[]) {
  const state = { type, urn, custom: true, id: '', parent, inputs: {}, outputs: {}, provider: '' };
  return {
    op,
    urn,
    type,
    old: op === 'create' ? undefined : state,
    new: op === 'delete' ? undefined : state,
    provider: '',
    ...(diffs ? { diffs } : {}),
  };
}
const at = (extra: Omit<EngineEvent, 'sequence' | 'timestamp'>): EngineEvent => ({
  sequence: ++sequence,
  timestamp: 1_795_000_000 + sequence,
  ...extra,
});
const pre = (op: OpType, urn: string, type: string, diffs?: string[]) =>
  at({ resourcePreEvent: { metadata: metadata(op, urn, type, urn === STACK ? '' : COMPONENT, diffs) } });
const outputs = (op: OpType, urn: string, type: string) =>
  at({ resOutputsEvent: { metadata: metadata(op, urn, type, urn === STACK ? '' : COMPONENT) } });
const failed = (op: OpType, urn: string, type: string) =>
  at({ resOpFailedEvent: { metadata: metadata(op, urn, type), status: 1, steps: 1 } });
const diagnostic = (message: string, urn?: string) =>
  at({
    diagnosticEvent: {
      ...(urn ? { urn } : {}),
      prefix: 'error: ',
      message,
      color: 'never',
      severity: 'error',
    },
  });

function translate(mode: 'preview' | 'run', events: EngineEvent[], redact?: (text: string) => string) {
  const out: Omit<ResourceEvent, 'sequence'>[] = [];
  const translator = new EngineEventTranslator(mode, (event) => out.push(event), redact);
  events.forEach((event) => translator.handle(event));
  translator.finish();
  return { out, translator };
}

describe('engine events → resource events', () => {
  it('translates a successful up: same steps only succeed, creates go in_progress → succeeded', () => {
    const { out, translator } = translate('run', [
      at({ preludeEvent: { config: {} } }),
      pre('same', STACK, 'pulumi:pulumi:Stack'),
      outputs('same', STACK, 'pulumi:pulumi:Stack'),
      pre('create', RG, 'azure-native:resources:ResourceGroup'),
      outputs('create', RG, 'azure-native:resources:ResourceGroup'),
      at({
        summaryEvent: {
          maybeCorrupt: false,
          durationSeconds: 3,
          resourceChanges: { create: 1, same: 1 },
          policyPacks: {},
        },
      }),
    ]);
    expect(out.map((e) => [e.name, e.operation, e.state])).toEqual([
      ['streamplane-dep-1', 'same', 'succeeded'],
      ['orders-rg', 'create', 'in_progress'],
      ['orders-rg', 'create', 'succeeded'],
    ]);
    expect(out[1]).toMatchObject({
      urn: RG,
      type: 'azure-native:resources:ResourceGroup',
      parentUrn: COMPONENT,
    });
    expect(out[1].time).toBe(new Date((1_795_000_000 + 4) * 1000).toISOString());
    expect(translator.summary).toEqual({ created: 1, updated: 0, replaced: 0, deleted: 0, same: 1 });
  });

  it('reports a replacement as replace steps and skips the logical replace marker', () => {
    const type = 'azure-native:containerservice:AgentPool';
    const { out } = translate('run', [
      pre('create-replacement', POOL, type),
      outputs('create-replacement', POOL, type),
      pre('replace', POOL, type),
      outputs('replace', POOL, type),
      pre('delete-replaced', POOL, type),
      outputs('delete-replaced', POOL, type),
    ]);
    expect(out.map((e) => `${e.operation}/${e.state}`)).toEqual([
      'replace/in_progress',
      'replace/succeeded',
      'replace/in_progress',
      'replace/succeeded',
    ]);
  });

  it("attaches the cloud's error to a failed step, whether the diagnostic comes before or after it", () => {
    const type = 'azure-native:containerservice:ManagedCluster';
    const poolType = 'azure-native:containerservice:AgentPool';
    const { out, translator } = translate('run', [
      pre('create', AKS, type),
      diagnostic(
        '  Code="QuotaExceeded" Message="Operation could not be completed as it results in exceeding approved standardEv5Family Cores quota"\n',
        AKS,
      ),
      failed('create', AKS, type),
      pre('create', POOL, poolType),
      failed('create', POOL, poolType),
      diagnostic(
        '\u001b[31mCode="InvalidParameter"\u001b[0m <{%reset%}>vmSize not allowed<{%reset%}>\n',
        POOL,
      ),
    ]);
    const failures = out.filter((e) => e.state === 'failed');
    expect(failures).toEqual([
      expect.objectContaining({
        urn: AKS,
        operation: 'create',
        error: expect.stringContaining('QuotaExceeded'),
      }),
      expect.objectContaining({ urn: POOL, error: 'Code="InvalidParameter" vmSize not allowed' }),
    ]);
    expect(translator.failures.map((f) => [f.name, f.message])).toEqual([
      ['orders-aks', expect.stringContaining('QuotaExceeded')],
      ['brokers-1', 'Code="InvalidParameter" vmSize not allowed'],
    ]);
  });

  it('still reports a failure that never gets a diagnostic, when the run ends', () => {
    const { out } = translate('run', [
      pre('update', RG, 'azure-native:resources:ResourceGroup'),
      failed('update', RG, 'azure-native:resources:ResourceGroup'),
    ]);
    expect(out[1]).toMatchObject({
      state: 'failed',
      error: "update of azure-native:resources:ResourceGroup 'orders-rg' failed",
    });
  });

  it("keeps the program's own errors (no URN) apart and cuts credentials out", () => {
    const { translator } = translate(
      'run',
      [
        diagnostic(
          "Running program '/app' failed with an unhandled exception:\nTypeError: secret s3cr3t-value leaked\n",
        ),
      ],
      (text) => text.replace('s3cr3t-value', '[redacted]'),
    );
    expect(translator.programErrors).toEqual([expect.stringContaining('[redacted] leaked')]);
  });

  it('turns a preview into the plan: one pending event and one plan entry per step, with the changed properties', () => {
    const { out, translator } = translate('preview', [
      pre('same', STACK, 'pulumi:pulumi:Stack'),
      outputs('same', STACK, 'pulumi:pulumi:Stack'),
      pre('update', AKS, 'azure-native:containerservice:ManagedCluster', ['tags', 'agentPoolProfiles']),
      outputs('update', AKS, 'azure-native:containerservice:ManagedCluster'),
      pre('update', AKS, 'azure-native:containerservice:ManagedCluster', ['tags', 'agentPoolProfiles']),
      pre('delete', POOL, 'azure-native:containerservice:AgentPool'),
    ]);
    expect(out.every((e) => e.state === 'pending')).toBe(true);
    expect(translator.plan).toEqual([
      { urn: STACK, type: 'pulumi:pulumi:Stack', name: 'streamplane-dep-1', operation: 'same' },
      {
        urn: AKS,
        type: 'azure-native:containerservice:ManagedCluster',
        name: 'orders-aks',
        parentUrn: COMPONENT,
        operation: 'update',
        diffs: ['agentPoolProfiles', 'tags'],
      },
      {
        urn: POOL,
        type: 'azure-native:containerservice:AgentPool',
        name: 'brokers-1',
        parentUrn: COMPONENT,
        operation: 'delete',
      },
    ]);
  });

  it('maps every Pulumi step operation', () => {
    const all: OpType[] = [
      'same',
      'create',
      'update',
      'delete',
      'replace',
      'create-replacement',
      'delete-replaced',
      'read',
      'read-replacement',
      'refresh',
      'discard',
      'discard-replaced',
      'remove-pending-replace',
      'import',
      'import-replacement',
    ];
    expect(Object.fromEntries(all.map((op) => [op, operationOf(op) ?? null]))).toEqual({
      same: 'same',
      create: 'create',
      update: 'update',
      delete: 'delete',
      replace: null,
      'create-replacement': 'replace',
      'delete-replaced': 'replace',
      read: 'read',
      'read-replacement': 'read',
      refresh: 'refresh',
      discard: null,
      'discard-replaced': null,
      'remove-pending-replace': null,
      import: 'create',
      'import-replacement': 'replace',
    });
  });

  it('reports the delete of a resource whose state says retainOnDelete as retain, in a run and a preview', () => {
    const TOPIC =
      'urn:pulumi:dep-1::streamplane::streamplane:platform:Pipeline$kubernetes:kafka.strimzi.io/v1:KafkaTopic::orders-raw';
    const type = 'kubernetes:kafka.strimzi.io/v1:KafkaTopic';
    const retained = (event: 'resourcePreEvent' | 'resOutputsEvent', retainOnDelete: boolean) => {
      const base = metadata('delete', TOPIC, type);
      return at({
        [event]: { metadata: { ...base, old: { ...base.old!, retainOnDelete } } },
      });
    };
    const run = translate('run', [retained('resourcePreEvent', true), retained('resOutputsEvent', true)]);
    expect(run.out.map((e) => [e.name, e.operation, e.state])).toEqual([
      ['orders-raw', 'retain', 'in_progress'],
      ['orders-raw', 'retain', 'succeeded'],
    ]);
    const preview = translate('preview', [retained('resourcePreEvent', true)]);
    expect(preview.translator.plan).toEqual([expect.objectContaining({ urn: TOPIC, operation: 'retain' })]);
    // Without the flag (or with it false) a delete is a delete.
    const deleted = translate('run', [
      retained('resourcePreEvent', false),
      retained('resOutputsEvent', false),
    ]);
    expect(deleted.out.map((e) => e.operation)).toEqual(['delete', 'delete']);
  });

  it('cleans colour codes and markup from messages', () => {
    expect(cleanMessage('\u001b[1m\u001b[31merror\u001b[0m: <{%fg 1%}>boom<{%reset%}>\n')).toBe(
      'error: boom',
    );
  });
});
