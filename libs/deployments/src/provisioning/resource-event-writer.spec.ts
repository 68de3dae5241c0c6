import type { ResourceEvent } from '@streamplane/provisioning';
import type { ResourceProgress } from '../events/deployment-events';
import { deploymentLockKey } from './deployment-lock';
import { ResourceEventWriter, type StoredResourceEvent } from './resource-event-writer';

function event(sequence: number): ResourceEvent {
  return {
    sequence,
    time: new Date(1_700_000_000_000 + sequence).toISOString(),
    urn: `urn:pulumi:s::p::t::r${sequence}`,
    type: 't',
    name: `r${sequence}`,
    operation: 'create',
    state: 'succeeded',
  };
}

function sink(failFirst = 0) {
  const inserted: StoredResourceEvent[][] = [];
  const published: ResourceProgress[][] = [];
  let failures = failFirst;
  return {
    inserted,
    published,
    insert: (rows: StoredResourceEvent[]) => {
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new Error('database unavailable'));
      }
      inserted.push(rows);
      return Promise.resolve();
    },
    publish: (events: ResourceProgress[]) => {
      published.push(events);
      return Promise.resolve();
    },
  };
}

const ids = { operationId: 'op', deploymentId: 'dep', orgId: 'org' };

describe('ResourceEventWriter', () => {
  it('writes in order, in batches, continuing after the sequences already stored, and publishes after each write', async () => {
    const target = sink();
    const writer = new ResourceEventWriter(target, {
      ...ids,
      sequenceBase: 7,
      batchSize: 3,
      flushAfterMs: 1000,
    });
    for (let i = 1; i <= 8; i++) writer.add(event(i));
    await writer.flush();
    expect(target.inserted.map((batch) => batch.map((row) => row.sequence))).toEqual([
      [8, 9, 10],
      [11, 12, 13],
      [14, 15],
    ]);
    expect(target.published.flat().map((e) => e.sequence)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(target.published[0][0]).toMatchObject({ kind: 'RESOURCE', orgId: 'org', operationId: 'op' });
    expect(writer.lastSequence).toBe(15);
  });

  it('keeps rows a failed write could not store and writes them with the next batch', async () => {
    const target = sink(1);
    const writer = new ResourceEventWriter(target, {
      ...ids,
      sequenceBase: 0,
      batchSize: 2,
      flushAfterMs: 1000,
    });
    writer.add(event(1));
    writer.add(event(2)); // the first write (of 1, 2) fails
    await new Promise((resolve) => setTimeout(resolve, 10));
    writer.add(event(3));
    await writer.flush();
    expect(target.inserted.flat().map((row) => row.sequence)).toEqual([1, 2, 3]);
    expect(target.published.flat().map((e) => e.sequence)).toEqual([1, 2, 3]);
  });

  it('rejects flush while rows remain unwritten, so no outcome is committed without its events', async () => {
    const target = sink(100);
    const writer = new ResourceEventWriter(target, { ...ids, sequenceBase: 0 });
    writer.add(event(1));
    await expect(writer.flush()).rejects.toThrow('database unavailable');
    expect(target.published).toEqual([]);
  });
});

describe('deploymentLockKey', () => {
  it('is a stable signed 64-bit key per deployment', () => {
    const key = deploymentLockKey('6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34');
    expect(key).toBe(deploymentLockKey('6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34'));
    expect(key).not.toBe(deploymentLockKey('6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f35'));
    const value = BigInt(key);
    expect(value >= -(2n ** 63n) && value < 2n ** 63n).toBe(true);
  });
});
