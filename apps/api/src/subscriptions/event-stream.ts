/**
 * The async iterator a GraphQL subscription reads: values pushed by the event bus, in order, buffered up
 * to `limit` while the socket is busy. A subscriber that falls further behind is ended (`onOverflow`), not
 * silently thinned out: the client sees the subscription complete and re-reads the state.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting?: (result: IteratorResult<T>) => void;
  private ended = false;

  constructor(
    private readonly limit: number,
    private readonly hooks: { onEnd: () => void; onOverflow: () => void },
  ) {}

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
    } else if (this.buffer.length >= this.limit) {
      this.hooks.onOverflow();
      this.end();
    } else {
      this.buffer.push(value);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
    this.hooks.onEnd();
  }
}
