import { describe, expect, it } from "vitest";
import { Session, retryDelay, userOf } from "./session";
import type { SessionChannel, SessionEvent } from "./channel";

// token makes an unsigned JWT with the claims the session reads.
function token(claims: Record<string, unknown>): string {
  const part = (o: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o))))
      .replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "RS256" })}.${part(claims)}.sig`;
}

const alice = token({ sub: "sub-alice", username: "alice", token_use: "access" });
const alice2 = token({ sub: "sub-alice", username: "alice", token_use: "access", jti: "2" });

interface Call {
  method: string;
  path: string;
  auth: string | null;
  body: string;
}

// fakeServer answers requests from a script of responders and records them.
function fakeServer(answer: (c: Call, n: number) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = async (req: Request) => {
    const c = {
      method: req.method,
      path: new URL(req.url).pathname,
      auth: req.headers.get("Authorization"),
      body: await req.text(),
    };
    calls.push(c);
    return answer(c, calls.length);
  };
  return { calls, fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const tokens = (access: string) => json(200, { accessToken: access, idToken: "id", expiresIn: 900 });

function recordingChannel() {
  const posted: SessionEvent[] = [];
  let listener: (e: SessionEvent) => void = () => {};
  const channel: SessionChannel = {
    post: (e) => posted.push(e),
    subscribe: (l) => {
      listener = l;
      return () => {};
    },
  };
  return { posted, channel, deliver: (e: SessionEvent) => listener(e) };
}

describe("Session", () => {
  it("restores the user from the refresh cookie", async () => {
    const srv = fakeServer(() => tokens(alice));
    const s = new Session({ fetch: srv.fetch });
    expect(await s.refresh()).toBe(true);
    expect(s.currentUser()).toEqual({ sub: "sub-alice", username: "alice" });
    expect(srv.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/auth/refresh"]);
  });

  it("shares one refresh among concurrent callers", async () => {
    const srv = fakeServer(() => tokens(alice));
    const s = new Session({ fetch: srv.fetch });
    const results = await Promise.all([s.refresh(), s.refresh(), s.refresh()]);
    expect(results).toEqual([true, true, true]);
    expect(srv.calls).toHaveLength(1);
  });

  it("is signed out when the refresh cookie is refused", async () => {
    const srv = fakeServer(() => json(401, { code: "INVALID_REFRESH_TOKEN" }));
    const s = new Session({ fetch: srv.fetch });
    expect(await s.refresh()).toBe(false);
    expect(s.currentUser()).toBeNull();
  });

  it("refreshes once after a 401 and retries the request with the new token and the same body", async () => {
    const srv = fakeServer((c, n) => {
      if (c.path === "/api/auth/refresh") return tokens(alice2);
      return n === 1 ? json(401, { code: "UNAUTHORIZED" }) : json(201, { ok: true });
    });
    const s = new Session({ fetch: srv.fetch });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    const res = await s.fetch(new Request("http://x/api/posts", { method: "POST", body: '{"title":"t"}' }));
    expect(res.status).toBe(201);
    expect(srv.calls.map((c) => [c.path, c.auth, c.body])).toEqual([
      ["/api/posts", `Bearer ${alice}`, '{"title":"t"}'],
      ["/api/auth/refresh", null, ""],
      ["/api/posts", `Bearer ${alice2}`, '{"title":"t"}'],
    ]);
  });

  it("retries at most once", async () => {
    const srv = fakeServer((c) => (c.path === "/api/auth/refresh" ? tokens(alice2) : json(401, { code: "TOKEN_REVOKED" })));
    const s = new Session({ fetch: srv.fetch });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    const res = await s.fetch(new Request("http://x/api/myinfo"));
    expect(res.status).toBe(401);
    expect(srv.calls.map((c) => c.path)).toEqual(["/api/myinfo", "/api/auth/refresh", "/api/myinfo"]);
  });

  it("does not retry when the refresh fails, and signs out", async () => {
    const srv = fakeServer((c) => json(401, { code: c.path === "/api/auth/refresh" ? "INVALID_REFRESH_TOKEN" : "UNAUTHORIZED" }));
    const s = new Session({ fetch: srv.fetch });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    const res = await s.fetch(new Request("http://x/api/posts", { method: "POST", body: "{}" }));
    expect(res.status).toBe(401);
    expect(srv.calls.map((c) => c.path)).toEqual(["/api/posts", "/api/auth/refresh"]);
    expect(s.currentUser()).toBeNull();
  });

  it("never refreshes for the auth routes themselves", async () => {
    const srv = fakeServer(() => json(401, { code: "INVALID_CREDENTIALS" }));
    const s = new Session({ fetch: srv.fetch });
    const res = await s.fetch(new Request("http://x/api/auth/login", { method: "POST", body: "{}" }));
    expect(res.status).toBe(401);
    expect(srv.calls).toHaveLength(1);
  });

  it("logs out at the server, forgets the user and tells the other tabs", async () => {
    const srv = fakeServer(() => new Response(null, { status: 204 }));
    const ch = recordingChannel();
    const s = new Session({ fetch: srv.fetch, channel: ch.channel });
    const seen: (string | null)[] = [];
    s.subscribe((u) => seen.push(u?.username ?? null));
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    await s.logout();
    expect(s.currentUser()).toBeNull();
    expect(srv.calls.map((c) => [c.path, c.auth])).toEqual([["/api/auth/logout", `Bearer ${alice}`]]);
    expect(ch.posted).toEqual(["login", "logout"]);
    expect(seen).toEqual(["alice", null]);
  });

  it("logs out locally even when the server cannot be reached", async () => {
    const s = new Session({
      fetch: () => Promise.reject(new TypeError("offline")),
    });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    await s.logout();
    expect(s.currentUser()).toBeNull();
  });

  it("ends when another tab logs out, and restores when another tab logs in", async () => {
    const srv = fakeServer(() => tokens(alice));
    const ch = recordingChannel();
    const s = new Session({ fetch: srv.fetch, channel: ch.channel });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    ch.deliver("logout");
    expect(s.currentUser()).toBeNull();
    ch.deliver("login");
    await s.refresh(); // the refresh the event started
    expect(s.currentUser()?.username).toBe("alice");
  });

  it("keeps no token in web storage", async () => {
    const srv = fakeServer(() => tokens(alice));
    const s = new Session({ fetch: srv.fetch });
    await s.refresh();
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    const stored = [localStorage, sessionStorage].flatMap((st) =>
      Array.from({ length: st.length }, (_, i) => st.getItem(st.key(i)!) ?? ""),
    );
    expect(stored.filter((v) => v.includes(alice.split(".")[1]))).toEqual([]);
  });

  it("throws NETWORK when no answer comes", async () => {
    const s = new Session({ fetch: () => Promise.reject(new TypeError("offline")) });
    await expect(s.fetch(new Request("http://x/api/posts"))).rejects.toMatchObject({ code: "NETWORK" });
  });
});

describe("userOf", () => {
  it.each([
    ["access token", alice, { sub: "sub-alice", username: "alice" }],
    ["cognito:username claim", token({ sub: "s", "cognito:username": "bob" }), { sub: "s", username: "bob" }],
    ["non-ASCII username", token({ sub: "s", username: "zoë" }), { sub: "s", username: "zoë" }],
    ["no username", token({ sub: "s" }), null],
    ["not a JWT", "garbage", null],
    ["payload not JSON", "a.b.c", null],
  ])("%s", (_name, tok, want) => {
    expect(userOf(tok)).toEqual(want);
  });
});

describe("Session keeps the user through anything but a definitive refusal", () => {
  const noSleep = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };

  it("keeps the session through a 429, waiting as Retry-After says, then refreshes", async () => {
    const srv = fakeServer((_, n) =>
      n === 1 ? new Response(JSON.stringify({ code: "TOO_MANY_REQUESTS" }), { status: 429, headers: { "Retry-After": "3" } }) : tokens(alice2),
    );
    const { waits, sleep } = noSleep();
    const s = new Session({ fetch: srv.fetch, sleep, locks: null });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    const statuses: string[] = [];
    s.onStatus((st) => statuses.push(st));
    expect(await s.refresh()).toBe(true);
    expect(waits).toEqual([3000]);
    expect(statuses).toEqual(["retrying", "ok"]);
    expect(s.currentUser()).toEqual({ sub: "sub-alice", username: "alice" });
  });

  it("keeps the session through 5xx answers and lost connections, backing off", async () => {
    const srv = fakeServer((_, n) => {
      if (n === 1) return json(503, { code: "SERVICE_UNAVAILABLE" });
      if (n === 2) throw new TypeError("Failed to fetch");
      return tokens(alice2);
    });
    const { waits, sleep } = noSleep();
    const s = new Session({ fetch: srv.fetch, sleep, locks: null });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    expect(await s.refresh()).toBe(true);
    expect(waits).toEqual([1000, 2000]);
  });

  it("gives up for now after a few attempts, still logged in", async () => {
    const srv = fakeServer(() => json(429, { code: "TOO_MANY_REQUESTS" }));
    const { waits, sleep } = noSleep();
    const { posted, channel } = recordingChannel();
    const s = new Session({ fetch: srv.fetch, sleep, channel, locks: null });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    expect(await s.refresh()).toBe(true);
    expect(srv.calls).toHaveLength(4);
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(s.currentUser()).not.toBeNull();
    expect(s.status()).toBe("retrying");
    expect(posted).toEqual(["login"]);
  });

  it("signs out on a 401 at once, and tells the other tabs", async () => {
    const srv = fakeServer(() => json(401, { code: "INVALID_REFRESH_TOKEN" }));
    const { waits, sleep } = noSleep();
    const { posted, channel } = recordingChannel();
    const s = new Session({ fetch: srv.fetch, sleep, channel, locks: null });
    s.accept({ accessToken: alice, idToken: "id", expiresIn: 900 });
    expect(await s.refresh()).toBe(false);
    expect(waits).toEqual([]);
    expect(s.currentUser()).toBeNull();
    expect(posted).toEqual(["login", "logout"]);
  });

  it("refreshes under one Web Lock, so tabs take turns with the cookie", async () => {
    const held: string[] = [];
    let inside = 0;
    let most = 0;
    const locks = {
      queue: Promise.resolve() as Promise<unknown>,
      request<T>(name: string, cb: () => Promise<T>): Promise<T> {
        held.push(name);
        const run = this.queue.then(async () => {
          inside++;
          most = Math.max(most, inside);
          try {
            return await cb();
          } finally {
            inside--;
          }
        });
        this.queue = run.catch(() => {});
        return run;
      },
    };
    const srv = fakeServer(() => tokens(alice));
    const tabs = [new Session({ fetch: srv.fetch, locks }), new Session({ fetch: srv.fetch, locks })];
    expect(await Promise.all(tabs.map((t) => t.refresh()))).toEqual([true, true]);
    expect(held).toEqual(["eventboard-refresh", "eventboard-refresh"]);
    expect(most).toBe(1);
  });
});

describe("retryDelay", () => {
  it("honours Retry-After in seconds, else doubles from 1 s, within 1..30 s", () => {
    const with_ = (v: string) => new Response(null, { status: 429, headers: { "Retry-After": v } });
    expect(retryDelay(1, with_("5"))).toBe(5000);
    expect(retryDelay(1, with_("0"))).toBe(1000);
    expect(retryDelay(1, with_("3600"))).toBe(30000);
    expect(retryDelay(3, null)).toBe(4000);
    expect(retryDelay(1, with_("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(1000);
  });
});
