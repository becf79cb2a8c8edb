import { beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Api, errorOf, freshAfterWriteMs } from "./client";
import { ApiError, describeError, knownErrorCodes, messageOf } from "./errors";
import { Session } from "./session";

function apiWith(answer: (req: Request) => Response) {
  const seen: Request[] = [];
  const session = new Session({
    fetch: async (req) => {
      seen.push(req.clone());
      return answer(req);
    },
  });
  return { api: new Api(session), seen };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

// token makes an unsigned JWT with the claims the session reads.
function token(claims: Record<string, unknown>): string {
  const part = (o: unknown) =>
    btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "RS256" })}.${part(claims)}.sig`;
}

// A write is remembered in sessionStorage for the reads after it: each
// test starts as a tab that wrote nothing.
beforeEach(() => sessionStorage.clear());

describe("Api's public reads and CloudFront's cache", () => {
  it("reads anonymously, with the token for a while after its own write, then anonymously again", async () => {
    let now = 1_000_000;
    const seen: Request[] = [];
    const session = new Session({
      fetch: async (req) => {
        seen.push(req.clone());
        return req.method === "GET" ? json(200, { posts: [] }) : json(201, { id: "p1" });
      },
    });
    session.accept({ accessToken: token({ sub: "s", username: "alice", token_use: "access" }), idToken: "id", expiresIn: 900 });
    const api = new Api(session, () => now);
    const auth = () => seen.at(-1)?.headers.get("Authorization") ?? null;

    await api.listPosts();
    expect(auth()).toBeNull(); // shared at the edge
    await api.createPost({ title: "T", content: "C" });
    await api.listPosts();
    expect(auth()).toMatch(/^Bearer /); // keyed apart, answered private, no-store
    await api.getPost("p1");
    expect(auth()).toMatch(/^Bearer /);
    await api.stats();
    expect(auth()).toMatch(/^Bearer /);
    now += freshAfterWriteMs;
    await api.listPosts();
    expect(auth()).toBeNull();
  });

  it("never sends cookies with a public read, nor lets the browser keep it", async () => {
    const { api, seen } = apiWith(() => json(200, { posts: [] }));
    await api.listPosts();
    expect([seen[0].credentials, seen[0].cache]).toEqual(["omit", "no-store"]);
  });
});

describe("Api", () => {
  it("lists a page with limit and cursor in the query", async () => {
    const { api, seen } = apiWith(() => json(200, { posts: [], nextCursor: "c2" }));
    expect(await api.listPosts("c1")).toEqual({ posts: [], nextCursor: "c2" });
    const url = new URL(seen[0].url);
    expect([seen[0].method, url.pathname, url.searchParams.get("limit"), url.searchParams.get("cursor")]).toEqual([
      "GET",
      "/api/posts",
      "20",
      "c1",
    ]);
  });

  it("sends the edited version with an update", async () => {
    const { api, seen } = apiWith(() => json(200, { id: "p1" }));
    await api.updatePost("p1", { title: "T", content: "C" }, 3);
    expect([seen[0].method, new URL(seen[0].url).pathname, await seen[0].json()]).toEqual([
      "PUT",
      "/api/posts/p1",
      { title: "T", content: "C", version: 3 },
    ]);
  });

  it.each([
    ["forgotPassword", (a: Api) => a.forgotPassword("al"), "/api/auth/forgot", { username: "al" }],
    ["resetPassword", (a: Api) => a.resetPassword("al", "123456", "N3w!pass"), "/api/auth/reset", { username: "al", code: "123456", newPassword: "N3w!pass" }],
    ["resend", (a: Api) => a.resend("al"), "/api/auth/resend", { username: "al" }],
    ["confirm", (a: Api) => a.confirm("al", "1"), "/api/auth/confirm", { username: "al", code: "1" }],
  ])("%s posts its body and accepts an empty answer", async (_n, call, path, body) => {
    const { api, seen } = apiWith(() => new Response(null, { status: 204 }));
    await expect(call(api)).resolves.toBeUndefined();
    expect([seen[0].method, new URL(seen[0].url).pathname, await seen[0].json()]).toEqual(["POST", path, body]);
  });

  it("rejects with the API's code, never its message", async () => {
    const { api } = apiWith(() => json(409, { code: "VERSION_CONFLICT", message: "internal detail", requestId: "r1" }));
    const err = await api.updatePost("p1", { title: "T", content: "C" }, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "VERSION_CONFLICT", status: 409, requestId: "r1" });
    expect((err as ApiError).message).toBe(describeError("VERSION_CONFLICT"));
  });

  it("starts the session on login", async () => {
    const claims = btoa(JSON.stringify({ sub: "s1", username: "al" }));
    const { api } = apiWith(() => json(200, { accessToken: `h.${claims}.s`, idToken: "i", expiresIn: 900 }));
    await api.login("al", "pw");
    expect(api.session.currentUser()).toEqual({ sub: "s1", username: "al" });
  });
});

describe("errorOf", () => {
  it.each([
    ["API error", 404, { code: "POST_NOT_FOUND" }, "POST_NOT_FOUND"],
    ["HTML from a proxy, 502", 502, "<html>", "INTERNAL"],
    ["empty 404", 404, undefined, "HTTP_404"],
    ["code of the wrong type", 400, { code: 5 }, "HTTP_400"],
    ["null body", 400, null, "HTTP_400"],
  ])("%s", (_name, status, body, code) => {
    expect(errorOf(status, body).code).toBe(code);
  });

  it.each([
    ["HTML from a proxy", new Response("<html>bad gateway</html>", { status: 502 }), "INTERNAL"],
    ["an empty 404", new Response("", { status: 404 }), "HTTP_404"],
  ])("through the client: %s", async (_name, res, code) => {
    const { api } = apiWith(() => res);
    await expect(api.getPost("p1")).rejects.toMatchObject({ code });
  });
});

describe("error sentences", () => {
  it("has a sentence for every code docs/api.md lists", () => {
    const doc = readFileSync(resolve(process.cwd(), "../docs/api.md"), "utf8");
    const table = doc.slice(doc.indexOf("## Errors"), doc.indexOf("## Posts"));
    const documented = [...table.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(20);
    expect(documented.filter((c) => !knownErrorCodes.includes(c))).toEqual([]);
  });

  it("has a sentence for every code of the contract's ErrorCode", () => {
    const spec = readFileSync(resolve(process.cwd(), "../api/openapi.yaml"), "utf8");
    const block = spec.slice(spec.indexOf("    ErrorCode:"));
    const enumStart = block.indexOf("enum:");
    const codes = [...block.slice(enumStart).matchAll(/^\s+- ([A-Z_]+)$/gm)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((c) => !knownErrorCodes.includes(c))).toEqual([]);
  });

  it("falls back to a generic sentence, and to NETWORK for anything not from the API", () => {
    expect(describeError("SOMETHING_NEW")).toMatch(/went wrong/);
    expect(messageOf(new TypeError("x"))).toBe(describeError("NETWORK"));
  });
});
