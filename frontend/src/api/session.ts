// The session: who is logged in, and the fetch that carries their access
// token. Tokens live only in this object's memory, never in localStorage or
// sessionStorage; the refresh token is in an HttpOnly cookie the page cannot
// read, and POST /api/auth/refresh turns it into new tokens on load and after
// a 401.

import { ApiError, NETWORK } from "./errors";
import { silentChannel, type SessionChannel } from "./channel";

/** User is who the session belongs to, from the access token's claims. */
export interface User {
  sub: string;
  username: string;
}

/** Tokens are what login and refresh answer with. */
export interface Tokens {
  accessToken: string;
  idToken: string;
  expiresIn: number;
  tokenType?: string;
}

type Fetch = (input: Request) => Promise<Response>;

export interface SessionOptions {
  /** fetch sends the requests; the browser's by default. */
  fetch?: Fetch;
  /** channel tells the other tabs about logins and logouts. */
  channel?: SessionChannel;
  /** locks serialises refreshes across tabs; the Web Locks API by default, where the browser has it. */
  locks?: RefreshLocks | null;
  /** sleep waits between refresh attempts; a timer by default. */
  sleep?: (ms: number) => Promise<void>;
}

/** RefreshLocks is the part of the Web Locks API the session uses. */
export interface RefreshLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** refreshLock is the Web Lock every tab of the origin takes to refresh. */
export const refreshLock = "eventboard-refresh";

/** Refresh attempts before the session gives up for now (keeping the user). */
export const refreshAttempts = 4;

/** retryDelay is how long to wait before attempt n+1 (n from 1): Retry-After when the answer gives one, else 1, 2, 4… s; at most 30 s. */
export function retryDelay(n: number, res: Response | null): number {
  const header = res?.headers.get("Retry-After");
  const seconds = header && /^\d+$/.test(header.trim()) ? Number(header) : 2 ** (n - 1);
  return Math.min(Math.max(seconds, 1), 30) * 1000;
}

/** Status is how the session's last refresh went, for an unobtrusive notice. */
export type Status = "ok" | "retrying";

function browserLocks(): RefreshLocks | null {
  const locks = typeof navigator !== "undefined" ? (navigator as { locks?: RefreshLocks }).locks : undefined;
  return locks ?? null;
}

/**
 * Session holds the tokens and sends requests with them. Its contract:
 * every request gets the current access token; a 401 from any route other
 * than /api/auth/* triggers one refresh (shared by concurrent requests) and
 * one retry. Only a refresh refused as invalid or revoked (401) signs the
 * session out; a 429, a 5xx or no answer keeps it, and the refresh is tried
 * again with backoff, honouring Retry-After (status "retrying" meanwhile).
 * One tab refreshes at a time (a Web Lock), so tabs never race one refresh
 * cookie; a tab whose refresh is refused tells the others. Listeners hear
 * every change of user.
 */
export class Session {
  private access: string | null = null;
  private user: User | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<(user: User | null) => void>();
  private readonly send: Fetch;
  private readonly channel: SessionChannel;
  private readonly locks: RefreshLocks | null;
  private readonly sleep: (ms: number) => Promise<void>;
  private state: Status = "ok";
  private readonly statusListeners = new Set<(status: Status) => void>();

  constructor(opts: SessionOptions = {}) {
    this.send = opts.fetch ?? ((req) => fetch(req));
    this.channel = opts.channel ?? silentChannel;
    this.locks = opts.locks === undefined ? browserLocks() : opts.locks;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.channel.subscribe((event) => {
      if (event === "logout") this.set(null);
      else void this.refresh();
    });
  }

  /** currentUser is who is logged in, or null. */
  currentUser(): User | null {
    return this.user;
  }

  /** status is "retrying" while a refresh is being retried after a 429, a 5xx or no answer. */
  status(): Status {
    return this.state;
  }

  /** onStatus calls listener on every change of status; it returns the unsubscribe function. */
  onStatus(listener: (status: Status) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: Status): void {
    if (status === this.state) return;
    this.state = status;
    this.statusListeners.forEach((l) => l(status));
  }

  /** subscribe calls listener on every change of user; it returns the unsubscribe function. */
  subscribe(listener: (user: User | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** accept starts the session from a login's tokens and tells the other tabs. */
  accept(tokens: Tokens): User {
    const user = this.set(tokens.accessToken);
    this.channel.post("login");
    return user as User;
  }

  /**
   * refresh asks the refresh cookie for new tokens. It resolves to whether
   * the session is live; concurrent calls share one request.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private doRefresh(): Promise<boolean> {
    return this.locks ? this.locks.request(refreshLock, () => this.refreshWithRetries()) : this.refreshWithRetries();
  }

  private async refreshWithRetries(): Promise<boolean> {
    for (let n = 1; ; n++) {
      let res: Response | null = null;
      try {
        res = await this.send(new Request(apiURL("/api/auth/refresh"), { method: "POST", credentials: "same-origin" }));
      } catch {
        res = null; // no answer: keep the session, try again
      }
      if (res?.ok) {
        const tokens = (await res.json()) as Tokens;
        this.set(tokens.accessToken);
        this.setStatus("ok");
        return true;
      }
      if (res?.status === 401) {
        // The cookie is invalid or revoked: the one definitive answer.
        const had = this.user !== null;
        this.set(null);
        this.setStatus("ok");
        if (had) this.channel.post("logout");
        return false;
      }
      // 429, 5xx, another refusal or no answer: the session may be fine.
      this.setStatus("retrying");
      if (n >= refreshAttempts) return this.user !== null;
      await this.sleep(retryDelay(n, res));
    }
  }

  /**
   * fetch sends req with the access token, refreshing and retrying once
   * after a 401. It throws ApiError(NETWORK) when no answer comes.
   */
  async fetch(req: Request): Promise<Response> {
    const retry = req.clone();
    const res = await this.sendWithToken(req);
    if (res.status !== 401 || new URL(req.url).pathname.startsWith("/api/auth/")) return res;
    if (!(await this.refresh())) return res;
    return this.sendWithToken(retry);
  }

  /**
   * fetchAnonymously sends req without the token: a public read that
   * CloudFront may answer from its cache. It throws ApiError(NETWORK) when
   * no answer comes.
   */
  async fetchAnonymously(req: Request): Promise<Response> {
    try {
      return await this.send(req);
    } catch {
      throw new ApiError(NETWORK, 0);
    }
  }

  private async sendWithToken(req: Request): Promise<Response> {
    if (this.access) req.headers.set("Authorization", `Bearer ${this.access}`);
    try {
      return await this.send(req);
    } catch {
      throw new ApiError(NETWORK, 0);
    }
  }

  /** logout ends the session here, at the server (revoking the refresh token), and in every tab. */
  async logout(): Promise<void> {
    const req = new Request(apiURL("/api/auth/logout"), { method: "POST", credentials: "same-origin" });
    try {
      await this.sendWithToken(req);
    } catch {
      // The tokens are dropped anyway; the cookie expires on its own.
    }
    this.set(null);
    this.channel.post("logout");
  }

  private set(accessToken: string | null): User | null {
    const user = accessToken ? userOf(accessToken) : null;
    const changed = user?.sub !== this.user?.sub || user?.username !== this.user?.username;
    this.access = user ? accessToken : null;
    this.user = user;
    if (changed) this.listeners.forEach((l) => l(user));
    return user;
  }
}

/**
 * userOf reads the user from an access token's claims. The token is not
 * verified here (the API does that); the claims only decide what the UI shows.
 */
export function userOf(accessToken: string): User | null {
  const payload = accessToken.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const sub = claims.sub;
    const username = claims.username ?? claims["cognito:username"];
    if (typeof sub !== "string" || typeof username !== "string") return null;
    return { sub, username };
  } catch {
    return null;
  }
}

/** apiURL makes an absolute URL of an API path on the page's own origin. */
export function apiURL(path: string): string {
  const base = typeof location !== "undefined" && location.origin !== "null" ? location.origin : "http://localhost";
  return new URL(path, base).toString();
}
