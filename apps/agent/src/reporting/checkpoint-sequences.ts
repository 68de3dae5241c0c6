import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The `sequence` of each pipeline stage's checkpoints: one more per report, kept on disk (the spool's
 * volume) so a restarted agent continues where it stopped — the control plane keeps a checkpoint only if
 * its sequence is higher than the stored one.
 *
 * A stage seen for the first time (or a lost volume) starts at the wall clock's epoch milliseconds, not 1:
 * a new agent whose state was lost must not stay behind the sequences its predecessor already reported.
 */
export class CheckpointSequences {
  private sequences?: Record<string, number>;

  constructor(
    private readonly file: string,
    private readonly wallClockMs: () => number = Date.now,
  ) {}

  /** Takes the next sequence of each stage; persisted (fsynced) before it is returned. */
  async next(stages: readonly { pipelineId: string; stage: string }[]): Promise<number[]> {
    const sequences = await this.load();
    const taken = stages.map(({ pipelineId, stage }) => {
      const key = `${pipelineId}/${stage}`;
      const sequence = sequences[key] === undefined ? this.wallClockMs() : sequences[key] + 1;
      sequences[key] = sequence;
      return sequence;
    });
    if (stages.length > 0) await this.save(sequences);
    return taken;
  }

  /** Drops the stages of pipelines no longer watched (the file stays small). */
  async retain(pipelineIds: ReadonlySet<string>): Promise<void> {
    const sequences = await this.load();
    let changed = false;
    for (const key of Object.keys(sequences)) {
      if (!pipelineIds.has(key.split('/', 1)[0])) {
        delete sequences[key];
        changed = true;
      }
    }
    if (changed) await this.save(sequences);
  }

  private async load(): Promise<Record<string, number>> {
    if (this.sequences) return this.sequences;
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      this.sequences =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          ? Object.fromEntries(
              Object.entries(parsed).filter(
                (entry): entry is [string, number] => Number.isSafeInteger(entry[1]) && entry[1] >= 0,
              ),
            )
          : {};
    } catch {
      this.sequences = {}; // none yet (or unreadable): stages start again from the wall clock
    }
    return this.sequences;
  }

  private async save(sequences: Record<string, number>): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(JSON.stringify(sequences));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.file);
  }
}
