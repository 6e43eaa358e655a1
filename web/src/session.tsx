/**
 * Who is signed in, from `GET /api/auth/session` (the `modelport_session`
 * cookie). `useSession()` gives the user (or null), whether sign-up is open,
 * and `refresh()` to call after signing in or out. The CSRF token it carries is
 * handed to `api()` for mutating requests.
 */
import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { api, setCsrfToken } from "./api";

export interface SessionUser {
  name: string;
  fullname: string;
  isAdmin: boolean;
}

export interface SessionInfo {
  user: SessionUser | null;
  csrfToken: string | null;
  allowSignup: boolean;
}

export interface SessionState extends SessionInfo {
  /** True until the first answer arrived. */
  loading: boolean;
  /** Fetches the session again (after sign-in, sign-up). */
  refresh(): Promise<SessionInfo>;
  /** Ends the session on the hub (`POST /api/auth/logout`), then forgets it here. */
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [info, setInfo] = useState<SessionInfo>({ user: null, csrfToken: null, allowSignup: false });
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    let next: SessionInfo;
    try {
      next = await api<SessionInfo>("/api/auth/session");
    } catch {
      // A hub without sessions (or unreachable): browse anonymously.
      next = { user: null, csrfToken: null, allowSignup: false };
    }
    setCsrfToken(next.csrfToken);
    setInfo(next);
    setLoading(false);
    return next;
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signOut = useCallback(async () => {
    await api("/api/auth/logout", { method: "POST" });
    await refresh();
  }, [refresh]);

  const value = useMemo(() => ({ ...info, loading, refresh, signOut }), [info, loading, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession() outside <SessionProvider>");
  return value;
}
