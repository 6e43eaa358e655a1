/**
 * Undo steps (stop a process, remove a folder) run newest first, once, whether
 * the benchmark finishes, throws or is interrupted: a 1 GB run must never leave
 * a server listening or gigabytes of temp files behind.
 */
export class Cleanup {
  private readonly steps: { label: string; run: () => Promise<void> }[] = [];
  private done: Promise<void> | undefined;

  add(label: string, run: () => Promise<void>): void {
    this.steps.push({ label, run });
  }

  /** Runs every step even when one fails; later calls wait for the first. */
  run(): Promise<void> {
    this.done ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (err) {
          console.error(`cleanup: ${step.label} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
    return this.done;
  }

  /** Ctrl-C or a kill still stops the servers and removes the temp folder before exiting. */
  onSignals(): void {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: cleaning up`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }
}
