import { simulatedReplicationHealth } from '../health/simulated-replication-health';
import { ReplicationHealth } from '@streamplane/agent-protocol';
import type { ReplicationLinkSpec } from '../spec/replication-link-spec';
import {
  ReplicationWorkloadError,
  replicationWorkloadOf,
  type LinkForWorkload,
} from './replication-workload';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const LINK = '33333333-3333-4333-8333-333333333333';
const alerts = { replicationLatencySeconds: 60, checkpointAgeSeconds: 300 };

const spec = (flows: ReplicationLinkSpec['flows']): ReplicationLinkSpec => ({
  topics: ['orders', 'payments.*'],
  consumerGroups: ['*'],
  flows,
  action: 'CREATE',
  operationDeployments: [A, B],
});

const link = (flows: ReplicationLinkSpec['flows'], caOfA: string | null = 'PEM-A'): LinkForWorkload => ({
  id: LINK,
  sourceDeploymentId: A,
  topicNaming: 'PREFIXED',
  spec: spec(flows),
  ends: {
    [A]: { id: A, name: 'eu-primary', bootstrapExternal: 'a.example.invalid:9094', caCertificate: caOfA },
    [B]: { id: B, name: 'us-standby', bootstrapExternal: 'b.example.invalid:9094', caCertificate: 'PEM-B' },
  },
  password: (side) => `password-of-${side}`,
});

describe('a deployment’s replication workload', () => {
  it('one way: the source gets a read-only user, the target a MirrorMaker 2 pulling with that user', () => {
    const oneWay = link([{ from: A, to: B, paused: false }]);
    const source = replicationWorkloadOf(A, [oneWay], alerts);
    expect(source.mirrors).toEqual([]);
    expect(source.sourceUsers).toEqual([
      {
        linkId: LINK,
        userName: 'sp-mirror-333333333333',
        password: 'password-of-source',
        topics: [
          { name: 'orders', patternType: 'literal' },
          { name: 'payments.', patternType: 'prefix' },
        ],
        consumerGroups: [{ name: '*', patternType: 'literal' }],
      },
    ]);
    const target = replicationWorkloadOf(B, [oneWay], alerts);
    expect(target.sourceUsers).toEqual([]);
    expect(target.mirrors[0]).toMatchObject({
      name: 'sp-mm2-333333333333',
      sourceAlias: 'eu-primary',
      targetAlias: 'us-standby',
      source: {
        bootstrapServers: 'a.example.invalid:9094',
        caCertificate: 'PEM-A',
        userName: 'sp-mirror-333333333333',
        password: 'password-of-source',
      },
      topicNaming: 'prefixed',
      paused: false,
    });
  });

  it('two ways: each side is both; a reversed failback pulls with the target side’s password', () => {
    const both = link([
      { from: A, to: B, paused: false },
      { from: B, to: A, paused: true },
    ]);
    const a = replicationWorkloadOf(A, [both], alerts);
    expect(a.sourceUsers.map((u) => u.password)).toEqual(['password-of-source']);
    expect(a.mirrors.map((m) => [m.sourceAlias, m.paused, m.source.password])).toEqual([
      ['us-standby', true, 'password-of-target'],
    ]);
  });

  it('refuses to render a mirror whose source has no address or CA yet, saying what to do', () => {
    expect(() => replicationWorkloadOf(B, [link([{ from: A, to: B, paused: false }], null)], alerts)).toThrow(
      ReplicationWorkloadError,
    );
    expect(() => replicationWorkloadOf(B, [link([{ from: A, to: B, paused: false }], null)], alerts)).toThrow(
      /enable its external listener/,
    );
  });

  it('simulates valid health reports from the receiving side of each running direction', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const reports = simulatedReplicationHealth(
      {
        id: LINK,
        status: 'ACTIVE',
        spec: spec([
          { from: A, to: B, paused: false },
          { from: B, to: A, paused: true },
        ]),
      },
      now,
    );
    expect(reports.map((r) => [r.reportingDeploymentId, r.report.sourceDeploymentId])).toEqual([[B, A]]);
    expect(ReplicationHealth.safeParse(reports[0].report).success).toBe(true);
    expect(reports[0].report.topics.map((t) => t.topic)).toEqual(['orders', 'payments.events']);
    expect(simulatedReplicationHealth({ id: LINK, status: 'DELETED', spec: spec([]) }, now)).toEqual([]);
  });
});
