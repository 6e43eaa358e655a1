import { DetailedError } from "../../lib/error-details.js";
import type { LoadedInfo } from "./protocol.js";
import type { WorkerProcess } from "./worker-process.js";

interface Waiter {
  slots: number;
  resolve: (release: () => void) => void;
  reject: (err: unknown) => void;
}

/**
 * One loaded model: its worker process and the scheduling around it. The
 * worker has `parallel` sequences; a request takes as many as it has choices
 * (`n`) and waits in a bounded FIFO queue while they are busy. A full queue
 * refuses at once (503 with `Retry-After`), so overload never piles up
 * unbounded work. Waiters whose client leaves are dropped from the queue.
 */
export class ModelRunner {
  private free: number;
  private readonly queue: Waiter[] = [];
  /** Requests holding sequences now. */
  active = 0;
  lastUsed = Date.now();
  readonly loadedAt = Date.now();
  /** Moving average of how long a request holds its sequences, for `Retry-After`. */
  private avgHoldMs = 1000;

  constructor(
    readonly key: string,
    readonly worker: WorkerProcess,
    readonly info: LoadedInfo,
    readonly parallel: number,
    private readonly maxQueue: number,
    /** Names the model was asked for by (repo ids, files), for status pages and logs. */
    readonly labels: Set<string>,
  ) {
    this.free = parallel;
  }

  get queued(): number {
    return this.queue.length;
  }

  get busySequences(): number {
    return this.parallel - this.free;
  }

  /** Idle: nothing running, nothing waiting. */
  get idle(): boolean {
    return this.active === 0 && this.queue.length === 0;
  }

  /**
   * Takes `slots` sequences, waiting in the queue if needed; resolves to the
   * function that gives them back (call it exactly once).
   */
  acquire(slots: number, signal: AbortSignal): Promise<() => void> {
    this.lastUsed = Date.now();
    if (this.queue.length === 0 && this.free >= slots) return Promise.resolve(this.take(slots));
    if (this.queue.length >= this.maxQueue) {
      const waitSeconds = Math.max(1, Math.ceil(((this.queue.length + 1) / this.parallel) * (this.avgHoldMs / 1000)));
      return Promise.reject(
        new DetailedError("Unavailable", `The model is busy: ${this.parallel} requests running and ${this.queue.length} waiting; retry later`, {
          retryAfterSeconds: waitSeconds,
          apiCode: "model_overloaded",
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        slots,
        resolve: (release) => {
          signal.removeEventListener("abort", onAbort);
          resolve(release);
        },
        reject: (err) => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        waiter.reject(signal.reason);
        this.pump();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Fails every waiter (the worker is gone). */
  failWaiting(err: unknown): void {
    for (const w of this.queue.splice(0)) w.reject(err);
  }

  private take(slots: number): () => void {
    this.free -= slots;
    this.active++;
    const started = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.free += slots;
      this.active--;
      this.lastUsed = Date.now();
      this.avgHoldMs = this.avgHoldMs * 0.8 + (Date.now() - started) * 0.2;
      this.pump();
    };
  }

  private pump(): void {
    while (this.queue.length > 0 && this.free >= this.queue[0]!.slots) {
      const w = this.queue.shift()!;
      w.resolve(this.take(w.slots));
    }
  }
}
