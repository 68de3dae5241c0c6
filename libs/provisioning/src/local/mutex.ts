/** A FIFO async mutex: `runExclusive` callers run one at a time, in arrival order. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  async runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    this.waiting += 1;
    try {
      await previous;
      return await task();
    } finally {
      this.waiting -= 1;
      release();
    }
  }

  /** Callers holding or waiting for the mutex (for tests and metrics). */
  get queueLength(): number {
    return this.waiting;
  }
}
