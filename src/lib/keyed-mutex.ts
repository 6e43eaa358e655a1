/**
 * One-at-a-time sections per key (a ref of a repo) within this process. It
 * spares writers to the same branch from building commits that would lose the
 * compare-and-swap anyway; the compare-and-swap stays the guarantee across
 * processes and against git pushes, which this lock does not see.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // The last one out removes the key, so the map only holds keys with writers waiting.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
