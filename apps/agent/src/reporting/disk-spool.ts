import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One spooled batch: its file name (which orders it) and its events. */
export interface SpooledBatch {
  name: string;
  events: object[];
}

export interface DiskSpoolOptions {
  /** The spool's directory (created if missing). */
  dir: string;
  /** Bytes the spool may hold; a batch that would go beyond is refused. */
  maxBytes: number;
  onFull?: (detail: { bytes: number; maxBytes: number; refusedEvents: number }) => void;
  onCorrupt?: (name: string, error: string) => void;
}

const SEGMENT = /^(\d{16})\.json$/;

/**
 * The agent's outbox on disk: each batch is one segment file, written once (to a temporary name, fsynced,
 * renamed, the directory fsynced) and deleted once delivered — append-only, so a crash leaves either the
 * whole batch or none of it. Segments are named by a growing counter and replayed oldest first. Bounded by
 * `maxBytes`: a batch that does not fit is refused (and reported through `onFull`) rather than letting a long
 * outage fill the node's disk.
 */
export class DiskSpool {
  private next = 0;
  private bytes = 0;
  private opened?: Promise<void>;

  constructor(private readonly options: DiskSpoolOptions) {}

  /** Writes `events` as the newest segment; false (nothing written) when the spool is full. */
  async append(events: readonly object[]): Promise<boolean> {
    await this.open();
    const data = Buffer.from(JSON.stringify(events));
    if (this.bytes + data.length > this.options.maxBytes) {
      this.options.onFull?.({
        bytes: this.bytes,
        maxBytes: this.options.maxBytes,
        refusedEvents: events.length,
      });
      return false;
    }
    const name = `${String(this.next++).padStart(16, '0')}.json`;
    const temporary = join(this.options.dir, `${name}.tmp`);
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, join(this.options.dir, name));
    await this.syncDirectory();
    this.bytes += data.length;
    return true;
  }

  /** The oldest segment, or undefined when the spool is empty. */
  async oldest(): Promise<SpooledBatch | undefined> {
    await this.open();
    for (const name of await this.segments()) {
      try {
        const events = JSON.parse(await readFile(join(this.options.dir, name), 'utf8')) as unknown;
        if (!Array.isArray(events)) throw new Error('not a JSON array');
        return { name, events: events as object[] };
      } catch (error) {
        // Not written by this spool's protocol (a disk error, a hand edit): set aside, never resent half.
        this.options.onCorrupt?.(name, error instanceof Error ? error.message : String(error));
        await this.drop(name, `${name}.corrupt`);
      }
    }
    return undefined;
  }

  /** Deletes a delivered (or refused) segment. */
  async remove(name: string): Promise<void> {
    await this.drop(name);
  }

  async size(): Promise<{ segments: number; bytes: number }> {
    await this.open();
    return { segments: (await this.segments()).length, bytes: this.bytes };
  }

  private async drop(name: string, setAsideAs?: string): Promise<void> {
    const path = join(this.options.dir, name);
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    if (setAsideAs) await rename(path, join(this.options.dir, setAsideAs));
    else await rm(path, { force: true });
    this.bytes = Math.max(0, this.bytes - size);
  }

  private open(): Promise<void> {
    return (this.opened ??= (async () => {
      await mkdir(this.options.dir, { recursive: true });
      let last = -1;
      for (const entry of await readdir(this.options.dir)) {
        // A temporary file is a write that never completed: its batch was never acknowledged as spooled.
        if (entry.endsWith('.tmp')) await rm(join(this.options.dir, entry), { force: true });
        const match = SEGMENT.exec(entry);
        if (!match) continue;
        last = Math.max(last, Number(match[1]));
        this.bytes += (await stat(join(this.options.dir, entry))).size;
      }
      this.next = last + 1;
    })());
  }

  private async segments(): Promise<string[]> {
    return (await readdir(this.options.dir)).filter((entry) => SEGMENT.test(entry)).sort();
  }

  /** Makes the rename durable (POSIX: a new directory entry needs the directory itself synced). */
  private async syncDirectory(): Promise<void> {
    const directory = await open(this.options.dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}
