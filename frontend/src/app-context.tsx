// The app's shared state: the API client and who is logged in. The session
// is restored from the refresh cookie once, on load; until that answers,
// `ready` is false and pages that need a user wait instead of sending the
// visitor to the login page.

import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import type { Api } from "./api/client";
import type { User } from "./api/session";

interface AppState {
  api: Api;
  user: User | null;
  ready: boolean;
  /** reconnecting is true while the session's refresh is being retried (429, 5xx, offline). */
  reconnecting: boolean;
}

const Context = createContext<AppState | null>(null);

export function AppProvider({ api, children }: { api: Api; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(api.session.currentUser());
  const [ready, setReady] = useState(false);
  const [reconnecting, setReconnecting] = useState(false);
  useEffect(() => {
    const unsubscribe = api.session.subscribe(setUser);
    const unsubscribeStatus = api.session.onStatus((status) => setReconnecting(status === "retrying"));
    void api.session.refresh().finally(() => setReady(true));
    return () => {
      unsubscribe();
      unsubscribeStatus();
    };
  }, [api]);
  return <Context.Provider value={{ api, user, ready, reconnecting }}>{children}</Context.Provider>;
}

/** useApp is the app's state; it must be used under AppProvider. */
export function useApp(): AppState {
  const state = useContext(Context);
  if (!state) throw new Error("useApp outside AppProvider");
  return state;
}
