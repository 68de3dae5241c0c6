import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProvisioningErrorCode } from '../provisioning.errors';
import type { LocalStateStore, StackLock } from './local-state-store';
import { FileLocalStateStore, InMemoryLocalStateStore, emptyState } from './local-state-store';

const lock = (runId: string): StackLock => ({
  runId,
  operation: 'up',
  pid: 1,
  hostname: 'worker-1',
  acquiredAt: '2026-11-22T00:00:00.000Z',
});

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'streamplane-store-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe.each([
  ['in memory', () => new InMemoryLocalStateStore()],
  ['files', () => new FileLocalStateStore(directory)],
] as [string, () => LocalStateStore][])('local state store: %s', (_name, makeStore) => {
  it('reads back what it wrote, and nothing for an unknown stack', async () => {
    const store = makeStore();
    const state = emptyState('dep-1', new Date(0));
    state.resources.push({
      urn: 'urn:a',
      type: 't',
      name: 'a',
      custom: true,
      kind: 'register',
      dependencies: [],
      inputDigests: {},
    });
    await store.write(state);
    expect(await store.read('dep-1')).toEqual(state);
    expect(await store.read('dep-2')).toBeUndefined();
  });

  it('a written state is a copy: changing the object afterwards does not change the store', async () => {
    const store = makeStore();
    const state = emptyState('dep-1', new Date(0));
    await store.write(state);
    state.pendingOperations.push({ urn: 'urn:a', type: 't', operation: 'creating' });
    expect((await store.read('dep-1'))!.pendingOperations).toEqual([]);
  });

  it('one lock per stack: the second taker learns who holds it; only the holder releases it', async () => {
    const store = makeStore();
    expect(await store.lock('dep-1', lock('run-1'))).toBeUndefined();
    expect(await store.lock('dep-1', lock('run-2'))).toEqual(lock('run-1'));
    expect(await store.lock('dep-2', lock('run-3'))).toBeUndefined();
    await store.unlock('dep-1', 'run-2');
    expect(await store.lock('dep-1', lock('run-2'))).toEqual(lock('run-1'));
    await store.unlock('dep-1', 'run-1');
    expect(await store.lock('dep-1', lock('run-2'))).toBeUndefined();
  });
});

describe('local state store: files', () => {
  it('writes atomically (no temporary file left) and only inside its directory', async () => {
    const store = new FileLocalStateStore(directory);
    await store.write(emptyState('dep-1', new Date(0)));
    await store.lock('dep-1', lock('run-1'));
    expect(readdirSync(directory).sort()).toEqual(['dep-1.json', 'dep-1.lock']);
    await expect(store.read('../escape')).rejects.toMatchObject({
      code: ProvisioningErrorCode.INVALID_REQUEST,
    });
  });

  it('removes a temporary file a killed writer left, once the next holder takes the lock', async () => {
    const store = new FileLocalStateStore(directory);
    await store.write(emptyState('dep-1', new Date(0)));
    writeFileSync(path.join(directory, 'dep-1.json.4242.1795318985943.tmp'), '{"half":');
    writeFileSync(path.join(directory, 'dep-10.json.4242.1.tmp'), '{}'); // another stack's: not ours to touch
    await store.lock('dep-1', lock('run-2'));
    expect(readdirSync(directory).sort()).toEqual(['dep-1.json', 'dep-1.lock', 'dep-10.json.4242.1.tmp']);
  });

  it('refuses a state written by an unknown format version instead of misreading it', async () => {
    writeFileSync(path.join(directory, 'dep-1.json'), JSON.stringify({ version: 99, stackName: 'dep-1' }));
    await expect(new FileLocalStateStore(directory).read('dep-1')).rejects.toThrow(
      /Unsupported local state version 99/,
    );
  });
});
