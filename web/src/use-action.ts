/**
 * The state of something a form or button does: `const action = useAction()`,
 * then `action.run(async () => { … })` marks it busy, clears the last error,
 * awaits the work and keeps what it threw as `action.error` (shown with
 * `<ErrorBox>`). `run` resolves to whether the work succeeded.
 */
import { useCallback, useState } from "react";

export interface RunOptions {
  /**
   * Stay busy after the work succeeds: for work that leaves the page (or
   * replaces the form) when it is done, so the button is not offered again
   * meanwhile. Busy still ends when it fails.
   */
  keepBusy?: boolean;
}

export interface Action {
  busy: boolean;
  /** What the last run threw; undefined when it succeeded or has not run. */
  error: unknown;
  run(work: () => Promise<unknown>, options?: RunOptions): Promise<boolean>;
  /** Forgets the error. */
  reset(): void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (work: () => Promise<unknown>, options?: RunOptions) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      if (!options?.keepBusy) setBusy(false);
      return true;
    } catch (err) {
      setError(err);
      setBusy(false);
      return false;
    }
  }, []);
  const reset = useCallback(() => setError(undefined), []);
  return { busy, error, run, reset };
}
