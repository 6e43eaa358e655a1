import { setTimeout as sleep } from "node:timers/promises";

/** How long an interrupted run may take to unwind into its `finally` before cleanup is forced. */
const unwindGraceMs = 15_000;

/**
 * Undo steps (stop a process, remove a folder) run newest first, once, whether
 * the benchmark finishes, throws or is interrupted: a 1 GB run must never leave
 * a server listening or gigabytes of temp files behind.
 */
export class Cleanup {
  private readonly steps: { label: string; run: () => Promise<void> }[] = [];
  private done: Promise<void> | undefined;
  private readonly controller = new AbortController();
  /**
   * Aborted on Ctrl-C or a kill. Long steps watch it, so the run unwinds into
   * its `finally` and cleans up there, instead of cleanup racing a run that is
   * still creating files and processes.
   */
  readonly signal = this.controller.signal;

  add(label: string, run: () => Promise<void>): void {
    const step = { label, run };
    // Registered after cleanup began (an interrupted start): undo it right away.
    if (this.done) this.done = this.done.then(() => runStep(step));
    else this.steps.push(step);
  }

  /** Runs every step even when one fails; later calls wait for the first. */
  run(): Promise<void> {
    this.done ??= (async () => {
      for (const step of this.steps.reverse()) await runStep(step);
    })();
    return this.done;
  }

  /** Ctrl-C, a kill or a stray exception still stop the servers and remove the temp folder before exiting. */
  onAbnormalExit(): void {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        console.error(`\n${signal} received; stopping`);
        process.exitCode = 130;
        this.controller.abort(new Error(`interrupted by ${signal}`));
        void sleep(unwindGraceMs, undefined, { ref: false }).then(() => this.exitAfterCleanup("still running", 130));
      });
    }
    process.once("uncaughtException", (err) => this.exitAfterCleanup(`uncaught exception: ${err.stack ?? err.message}`, 1));
    process.once("unhandledRejection", (err) => this.exitAfterCleanup(`unhandled rejection: ${String(err)}`, 1));
  }

  private exitAfterCleanup(reason: string, code: number): void {
    console.error(`\n${reason}; cleaning up`);
    void this.run().finally(() => process.exit(code));
  }
}

async function runStep(step: { label: string; run: () => Promise<void> }): Promise<void> {
  try {
    await step.run();
  } catch (err) {
    console.error(`cleanup: ${step.label} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
