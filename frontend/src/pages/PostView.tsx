import { useEffect, useState } from "react";
import { useApp } from "../app-context";
import type { Post } from "../api/client";
import { messageOf } from "../api/errors";
import { ErrorMessage, Loading, When } from "../components";
import { Link, navigate } from "../router";

/** PostView is one post; its author also gets Edit and Delete (with a confirmation). */
export function PostView({ id }: { id: string }) {
  const { api, user } = useApp();
  const [post, setPost] = useState<Post | null>(null);
  const [error, setError] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    let live = true;
    setPost(null);
    setError("");
    api.getPost(id).then(
      (p) => live && setPost(p),
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [api, id]);

  const remove = async () => {
    setDeleting(true);
    setError("");
    try {
      await api.deletePost(id);
      navigate("/", { replace: true });
    } catch (err) {
      setError(messageOf(err));
      setDeleting(false);
      setConfirming(false);
    }
  };

  if (!post) {
    return error ? <ErrorMessage message={error} /> : <Loading what="the post" />;
  }
  const mine = user?.sub === post.authorId;
  return (
    <article className="post" aria-labelledby="post-title">
      <h1 id="post-title">{post.title}</h1>
      <p className="meta">
        by {post.authorName} · <When iso={post.createdAt} />
        {post.updatedAt !== post.createdAt && (
          <>
            {" "}
            · edited <When iso={post.updatedAt} />
          </>
        )}
      </p>
      <div className="content">{post.content}</div>
      <ErrorMessage message={error} />
      {mine && !confirming && (
        <div className="actions">
          <Link className="button" href={`/posts/${post.id}/edit`}>
            Edit
          </Link>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      )}
      {mine && confirming && (
        <div role="alertdialog" aria-labelledby="confirm-delete" className="confirm">
          <p id="confirm-delete">Delete this post? This cannot be undone.</p>
          <button type="button" className="danger" onClick={() => void remove()} disabled={deleting}>
            Yes, delete it
          </button>
          <button type="button" onClick={() => setConfirming(false)} disabled={deleting}>
            Cancel
          </button>
        </div>
      )}
      <p>
        <Link href="/">Back to all posts</Link>
      </p>
    </article>
  );
}
