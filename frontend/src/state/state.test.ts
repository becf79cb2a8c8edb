import { describe, expect, it } from "vitest";
import type { Post } from "../api/client";
import { conflicted, reapply, startEditing, takeTheirs, unchanged } from "./editor";
import { hasMore, initialList, listReducer, type ListAction, type ListState } from "./paging";
import { match } from "../router";
import { safeNext } from "../pages/auth";

const post = (id: string, over: Partial<Post> = {}): Post => ({
  id,
  title: `t${id}`,
  content: `c${id}`,
  authorId: "a",
  authorName: "al",
  createdAt: "2026-11-25T09:30:00.000Z",
  updatedAt: "2026-11-25T09:30:00.000Z",
  version: 1,
  ...over,
});

const run = (...actions: ListAction[]): ListState => actions.reduce(listReducer, initialList);

describe("listReducer", () => {
  it.each<[string, ListAction[], string[], boolean]>([
    ["first page", [{ type: "page", page: { posts: [post("3"), post("2")], nextCursor: "c" }, first: true }], ["3", "2"], true],
    [
      "load more appends, once per post",
      [
        { type: "page", page: { posts: [post("3"), post("2")], nextCursor: "c" }, first: true },
        { type: "page", page: { posts: [post("2"), post("1")] }, first: false },
      ],
      ["3", "2", "1"],
      false,
    ],
    [
      "a reload replaces",
      [
        { type: "page", page: { posts: [post("2")], nextCursor: "c" }, first: true },
        { type: "page", page: { posts: [post("4")] }, first: true },
      ],
      ["4"],
      false,
    ],
    [
      "a deleted post leaves",
      [{ type: "page", page: { posts: [post("2"), post("1")] }, first: true }, { type: "removed", id: "2" }],
      ["1"],
      false,
    ],
  ])("%s", (_name, actions, ids, more) => {
    const s = run(...actions);
    expect(s.posts.map((p) => p.id)).toEqual(ids);
    expect(hasMore(s)).toBe(more);
  });

  it("keeps the posts it has when a page fails, and says why", () => {
    const s = run(
      { type: "page", page: { posts: [post("2")], nextCursor: "c" }, first: true },
      { type: "request" },
      { type: "failed", error: "The server cannot be reached." },
    );
    expect([s.posts.length, s.status, s.error, hasMore(s)]).toEqual([1, "error", "The server cannot be reached.", true]);
  });

  it("is loading, not empty, before the first page", () => {
    expect([initialList.loaded, initialList.status, hasMore(initialList)]).toEqual([false, "loading", false]);
  });
});

describe("editor", () => {
  const saved = post("1", { title: "Old", content: "old text", version: 2 });
  const newer = post("1", { title: "Theirs", content: "their text", version: 3 });
  const mine = { ...startEditing(saved), draft: { title: "Mine", content: "my text" } };

  it("keeps my draft when a save conflicts, showing the newer version", () => {
    const s = conflicted(mine, newer);
    expect(s).toEqual({ draft: { title: "Mine", content: "my text" }, version: 2, conflict: newer });
  });

  it("reapplies my text on the newer version", () => {
    expect(reapply(conflicted(mine, newer))).toEqual({ draft: { title: "Mine", content: "my text" }, version: 3 });
  });

  it("takes theirs", () => {
    expect(takeTheirs(conflicted(mine, newer))).toEqual({ draft: { title: "Theirs", content: "their text" }, version: 3 });
  });

  it("reapply without a conflict changes nothing", () => {
    expect(reapply(mine)).toBe(mine);
  });

  it("knows an untouched draft", () => {
    expect([unchanged(startEditing(saved), saved), unchanged(mine, saved)]).toEqual([true, false]);
  });
});

describe("match", () => {
  it.each([
    ["/", "/", {}],
    ["/posts/:id", "/posts/abc", { id: "abc" }],
    ["/posts/:id", "/posts/abc/", { id: "abc" }],
    ["/posts/:id/edit", "/posts/a%20b/edit", { id: "a b" }],
    ["/posts/:id", "/posts/", null],
    ["/posts/:id", "/posts/a/edit", null],
    ["/", "/stats", null],
  ])("%s against %s", (pattern, path, want) => {
    expect(match(pattern, path)).toEqual(want);
  });
});

describe("safeNext", () => {
  it.each([
    ["/me", "/me"],
    [null, "/"],
    ["//evil.example", "/"],
    ["https://evil.example", "/"],
  ])("%s", (next, want) => {
    expect(safeNext(next)).toBe(want);
  });
});
