/**
 * Turns pushed values into an async iterable: the bridge between callback
 * sources (IPC messages, SSE lines) and `for await` consumers. Values wait in
 * memory until read; `end()` finishes the iteration, `fail(err)` throws `err`
 * from it once the values before it are read. `onReturn` runs when the
 * consumer stops early (breaks out of its loop).
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly values: T[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;
  private error: { err: unknown } | undefined;

  constructor(private readonly onReturn: () => void = () => {}) {}

  push(value: T): void {
    if (this.ended) return;
    this.values.push(value);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(err: unknown): void {
    if (this.ended) return;
    this.error = { err };
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let finished = false;
    try {
      for (;;) {
        const next = this.values.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.ended) {
          finished = true;
          if (this.error) throw this.error.err;
          return;
        }
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    } finally {
      if (!finished) this.onReturn();
    }
  }
}
