// Tabs of the app tell each other when the session starts or ends, so a
// logout in one tab ends it in all of them. Only the event travels, never a
// token: each tab keeps its own tokens in memory and asks the refresh cookie
// for new ones.

/** SessionEvent is what one tab tells the others. */
export type SessionEvent = "login" | "logout";

/** SessionChannel carries session events between the tabs of one origin. */
export interface SessionChannel {
  post(event: SessionEvent): void;
  subscribe(listener: (event: SessionEvent) => void): () => void;
}

const name = "eventboard-session";

/**
 * browserChannel uses BroadcastChannel where the browser has it, and the
 * storage event otherwise (the value stored is the event and a time stamp,
 * nothing secret).
 */
export function browserChannel(): SessionChannel {
  if (typeof BroadcastChannel !== "undefined") {
    const bc = new BroadcastChannel(name);
    return {
      post: (event) => bc.postMessage(event),
      subscribe(listener) {
        const onMessage = (e: MessageEvent) => {
          if (e.data === "login" || e.data === "logout") listener(e.data);
        };
        bc.addEventListener("message", onMessage);
        return () => bc.removeEventListener("message", onMessage);
      },
    };
  }
  return {
    post: (event) => localStorage.setItem(name, `${event}:${Date.now()}`),
    subscribe(listener) {
      const onStorage = (e: StorageEvent) => {
        const event = e.key === name ? e.newValue?.split(":")[0] : undefined;
        if (event === "login" || event === "logout") listener(event);
      };
      window.addEventListener("storage", onStorage);
      return () => window.removeEventListener("storage", onStorage);
    },
  };
}

/** silentChannel tells no one: for tests and for browsers without either mechanism. */
export const silentChannel: SessionChannel = { post() {}, subscribe: () => () => {} };
