import { useCallback, useEffect, useState } from "react";
import { api } from "../../api";

/** Fetches a file's text (`/resolve/…`); a null path waits. */
export function useText(path: string | null): { text?: string; error?: Error; reload(): void } {
  const [state, setState] = useState<{ path: string | null; text?: string; error?: Error }>({ path: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    api<string>(path, { as: "text", headers: { Accept: "*/*" }, signal: controller.signal }).then(
      (text) => setState({ path, text }),
      (error: Error) => {
        if (error.name !== "AbortError") setState({ path, error });
      },
    );
    return () => controller.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return state.path === path ? { text: state.text, error: state.error, reload } : { reload };
}
