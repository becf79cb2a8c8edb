// The posts list as a reducer: pages appended in order, newest first, each
// post once, with the states the list shows (loading, error, end).

import type { Post, PostPage } from "../api/client";

export interface ListState {
  posts: Post[];
  /** nextCursor is where the next page starts; undefined after the last page. */
  nextCursor?: string;
  status: "loading" | "idle" | "error";
  /** error is the sentence to show when status is "error". */
  error?: string;
  /** loaded is true once the first page arrived. */
  loaded: boolean;
}

export type ListAction =
  | { type: "request" }
  | { type: "page"; page: PostPage; first: boolean }
  | { type: "failed"; error: string }
  | { type: "removed"; id: string };

export const initialList: ListState = { posts: [], status: "loading", loaded: false };

export function listReducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case "request":
      return { ...state, status: "loading", error: undefined };
    case "page": {
      const base = action.first ? [] : state.posts;
      const seen = new Set(base.map((p) => p.id));
      const fresh = action.page.posts.filter((p) => !seen.has(p.id));
      return { posts: [...base, ...fresh], nextCursor: action.page.nextCursor, status: "idle", loaded: true };
    }
    case "failed":
      return { ...state, status: "error", error: action.error };
    case "removed":
      return { ...state, posts: state.posts.filter((p) => p.id !== action.id) };
  }
}

/** hasMore tells whether "Load more" has anything to load. */
export function hasMore(state: ListState): boolean {
  return state.loaded && state.nextCursor !== undefined && state.nextCursor !== "";
}
