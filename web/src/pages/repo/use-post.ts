import { useCallback, useEffect, useState } from "react";
import { api } from "../../api";

/** A read that the API offers as a POST (paths-info): posts `body` as JSON whenever path or body change. */
export function usePost<T>(path: string | null, body: unknown): { data?: T; error?: Error; reload(): void } {
  const key = path === null ? null : `${path}\n${JSON.stringify(body)}`;
  const [state, setState] = useState<{ key: string | null; data?: T; error?: Error }>({ key: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (key === null || path === null) return;
    const controller = new AbortController();
    api<T>(path, { method: "POST", json: body, signal: controller.signal }).then(
      (data) => setState({ key, data }),
      (error: Error) => {
        if (error.name !== "AbortError") setState({ key, error });
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return state.key === key ? { data: state.data, error: state.error, reload } : { reload };
}
