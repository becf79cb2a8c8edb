import { useCallback, useEffect, useReducer } from "react";
import { useApp } from "../app-context";
import { messageOf } from "../api/errors";
import { ErrorMessage, Loading, When } from "../components";
import { Link } from "../router";
import { hasMore, initialList, listReducer } from "../state/paging";

/** PostList is the board: newest first, a page at a time. */
export function PostList() {
  const { api, user } = useApp();
  const [state, dispatch] = useReducer(listReducer, initialList);

  const load = useCallback(
    async (cursor?: string) => {
      dispatch({ type: "request" });
      try {
        dispatch({ type: "page", page: await api.listPosts(cursor), first: cursor === undefined });
      } catch (err) {
        dispatch({ type: "failed", error: messageOf(err) });
      }
    },
    [api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title">Posts</h1>
      {!state.loaded && state.status === "loading" && <Loading what="posts" />}
      {state.loaded && state.posts.length === 0 && (
        <p className="empty">
          No posts yet.{" "}
          {user ? <Link href="/new">Write the first one.</Link> : <Link href="/login">Log in to write the first one.</Link>}
        </p>
      )}
      <div className="posts">
        {state.posts.map((p) => (
          <article key={p.id} aria-labelledby={`post-${p.id}`} className="card">
            <h2 id={`post-${p.id}`}>
              <Link href={`/posts/${p.id}`}>{p.title}</Link>
            </h2>
            <p className="meta">
              by {p.authorName} · <When iso={p.createdAt} />
            </p>
            <p className="excerpt">{excerpt(p.content)}</p>
          </article>
        ))}
      </div>
      <ErrorMessage message={state.error}>
        <button type="button" onClick={() => void load(state.loaded ? state.nextCursor : undefined)}>
          Try again
        </button>
      </ErrorMessage>
      {hasMore(state) && (
        <button type="button" onClick={() => void load(state.nextCursor)} disabled={state.status === "loading"}>
          {state.status === "loading" ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}

function excerpt(text: string): string {
  return text.length > 280 ? `${text.slice(0, 280)}…` : text;
}
