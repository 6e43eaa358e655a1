/**
 * Data loading for pages: `useApi<T>(path)` fetches `path` through `api()` and
 * re-fetches when it changes; a null path waits. Answers of an older path that
 * arrive late are dropped.
 */
import { useCallback, useEffect, useState } from "react";
import { api, type ApiError } from "./api";

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  /** Fetches again (after a change the page made). */
  reload(): void;
}

export function useApi<T>(path: string | null): ApiState<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: Error }>({ path: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    api<T>(path, { signal: controller.signal }).then(
      (data) => setState({ path, data }),
      (error: Error) => {
        if (error.name !== "AbortError") setState({ path, error });
      },
    );
    return () => controller.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const fresh = state.path === path;
  return {
    data: fresh ? state.data : undefined,
    error: fresh ? (state.error as ApiError | Error | undefined) : undefined,
    loading: path !== null && (!fresh || (state.data === undefined && state.error === undefined)),
    reload,
  };
}

/** Sets the document title: "<title> · Modelport". */
export function useTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Modelport` : "Modelport";
  }, [title]);
}
