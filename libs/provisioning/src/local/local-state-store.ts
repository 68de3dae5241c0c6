import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { StackOperation } from '../stack-engine';
import { assertValidStackName } from '../stack-engine';
import type { JsonValue } from '../secret-value';

/**
 * The local engine's equivalent of a Pulumi state backend: which simulated resources exist per stack, what
 * an interrupted run left pending, and who holds the stack's lock. Written after every resource step (as
 * Pulumi checkpoints), so a worker that dies mid-run leaves a state the next run can resume from.
 */
export interface LocalStateStore {
  read(stackName: string): Promise<LocalStackState | undefined>;
  write(state: LocalStackState): Promise<void>;
  /** Takes the stack's lock atomically. Returns the current holder when the lock is taken, else undefined. */
  lock(stackName: string, lock: StackLock): Promise<StackLock | undefined>;
  /** Removes the lock if (and only if) `runId` holds it. */
  unlock(stackName: string, runId: string): Promise<void>;
}

export const LOCAL_STATE_VERSION = 1;

export interface LocalStackState {
  version: typeof LOCAL_STATE_VERSION;
  stackName: string;
  /** In the order they were created: a valid creation order. */
  resources: StoredResource[];
  /** Steps a run started and did not finish (it was killed): "interrupted while creating". */
  pendingOperations: PendingOperation[];
  /** The last successful `up`'s outputs. Secret values are never written: `{ secret: true, value: null }`. */
  outputs: Record<string, { value: JsonValue; secret: boolean }>;
  updatedAt: string;
}

export interface StoredResource {
  urn: string;
  type: string;
  name: string;
  parentUrn?: string;
  custom: boolean;
  kind: 'register' | 'read';
  id?: string;
  dependencies: string[];
  inputDigests: Record<string, string>;
  /**
   * As the last run that created, updated or kept it registered it: a delete then only drops it from the
   * state (Pulumi applies the option recorded in the state, not the one of the run that removes it).
   */
  retainOnDelete?: boolean;
}

export interface PendingOperation {
  urn: string;
  type: string;
  operation: 'creating' | 'updating' | 'deleting';
}

export interface StackLock {
  runId: string;
  operation: StackOperation;
  pid: number;
  hostname: string;
  acquiredAt: string;
}

export function emptyState(stackName: string, now: Date): LocalStackState {
  return {
    version: LOCAL_STATE_VERSION,
    stackName,
    resources: [],
    pendingOperations: [],
    outputs: {},
    updatedAt: now.toISOString(),
  };
}

/** For tests and `npm start` without a state directory: gone when the process ends. */
export class InMemoryLocalStateStore implements LocalStateStore {
  private readonly states = new Map<string, LocalStackState>();
  private readonly locks = new Map<string, StackLock>();

  read(stackName: string): Promise<LocalStackState | undefined> {
    const state = this.states.get(stackName);
    return Promise.resolve(state ? structuredClone(state) : undefined);
  }

  write(state: LocalStackState): Promise<void> {
    this.states.set(state.stackName, structuredClone(state));
    return Promise.resolve();
  }

  lock(stackName: string, lock: StackLock): Promise<StackLock | undefined> {
    const holder = this.locks.get(stackName);
    if (holder) return Promise.resolve({ ...holder });
    this.locks.set(stackName, { ...lock });
    return Promise.resolve(undefined);
  }

  unlock(stackName: string, runId: string): Promise<void> {
    if (this.locks.get(stackName)?.runId === runId) this.locks.delete(stackName);
    return Promise.resolve();
  }

  /** Stacks with a state (tests, diagnostics). */
  stackNames(): string[] {
    return [...this.states.keys()];
  }
}

/**
 * One JSON file per stack under `directory` (`<stack>.json`), written atomically (temporary file + rename),
 * and a lock file per stack (`<stack>.lock`) created exclusively, so it also serialises processes that share
 * the directory. Survives a restart: a worker killed mid-run is resumed by the next one.
 */
export class FileLocalStateStore implements LocalStateStore {
  constructor(private readonly directory: string) {}

  async read(stackName: string): Promise<LocalStackState | undefined> {
    const text = await readIfExists(this.file(stackName, 'json'));
    if (text === undefined) return undefined;
    const state = JSON.parse(text) as LocalStackState;
    if (state.version !== LOCAL_STATE_VERSION) {
      throw new Error(
        `Unsupported local state version ${String(state.version)} in ${this.file(stackName, 'json')}`,
      );
    }
    return state;
  }

  async write(state: LocalStackState): Promise<void> {
    const target = this.file(state.stackName, 'json');
    await fs.mkdir(this.directory, { recursive: true });
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temporary, `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
    await fs.rename(temporary, target);
  }

  async lock(stackName: string, lock: StackLock): Promise<StackLock | undefined> {
    await fs.mkdir(this.directory, { recursive: true });
    const file = this.file(stackName, 'lock');
    try {
      await fs.writeFile(file, JSON.stringify(lock), { flag: 'wx', mode: 0o600 });
      await this.removeAbandonedWrites(stackName);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const text = await readIfExists(file);
      // Released between our attempt and the read: try once more.
      if (text === undefined) return this.lock(stackName, lock);
      return JSON.parse(text) as StackLock;
    }
  }

  async unlock(stackName: string, runId: string): Promise<void> {
    const file = this.file(stackName, 'lock');
    const text = await readIfExists(file);
    if (text === undefined) return;
    const holder = JSON.parse(text) as StackLock;
    if (holder.runId === runId) await fs.rm(file, { force: true });
  }

  /**
   * A writer killed between writing its temporary file and renaming it leaves the temporary behind. Only the
   * lock holder writes a stack, so once we hold the lock any temporary of this stack is abandoned.
   */
  private async removeAbandonedWrites(stackName: string): Promise<void> {
    const prefix = `${path.basename(this.file(stackName, 'json'))}.`;
    const entries = await fs.readdir(this.directory);
    await Promise.all(
      entries
        .filter((entry) => entry.startsWith(prefix) && entry.endsWith('.tmp'))
        .map((entry) => fs.rm(path.join(this.directory, entry), { force: true })),
    );
  }

  private file(stackName: string, extension: 'json' | 'lock'): string {
    assertValidStackName(stackName); // a stack name never walks out of the directory
    return path.join(this.directory, `${stackName}.${extension}`);
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
