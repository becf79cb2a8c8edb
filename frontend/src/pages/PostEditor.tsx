import { useEffect, useState, type FormEvent } from "react";
import { useApp } from "../app-context";
import type { Post } from "../api/client";
import { ApiError, messageOf } from "../api/errors";
import { ErrorMessage, Field, Loading, LoginFirst, TextArea } from "../components";
import { navigate } from "../router";
import { conflicted, reapply, startEditing, takeTheirs, type EditorState } from "../state/editor";

const blank: EditorState = { draft: { title: "", content: "" }, version: 0 };

/** PostEditor writes a new post (no id) or edits one, resolving version conflicts with the user. */
export function PostEditor({ id }: { id?: string }) {
  const { api, user, ready } = useApp();
  const [state, setState] = useState<EditorState | null>(id ? null : blank);
  const [post, setPost] = useState<Post | null>(null);
  const [error, setError] = useState("");
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!id) return;
    api.getPost(id).then(
      (p) => {
        setPost(p);
        setState(startEditing(p));
      },
      (err) => setError(messageOf(err)),
    );
  }, [api, id]);

  if (!ready) return <Loading what="your session" />;
  if (!user) return <LoginFirst to={id ? "edit this post" : "write a post"} />;
  if (!state) return error ? <ErrorMessage message={error} /> : <Loading what="the post" />;
  if (post && post.authorId !== user.sub) return <ErrorMessage message={new ApiError("NOT_POST_AUTHOR", 403).message} />;

  const edit = (field: "title" | "content", value: string) =>
    setState({ ...state, draft: { ...state.draft, [field]: value } });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError("");
    try {
      const saved = id ? await api.updatePost(id, state.draft, state.version) : await api.createPost(state.draft);
      navigate(`/posts/${saved.id}`, { replace: !!id });
    } catch (err) {
      setError(messageOf(err));
      if (id && err instanceof ApiError && err.code === "VERSION_CONFLICT") {
        try {
          setState(conflicted(state, await api.getPost(id)));
        } catch (again) {
          setError(messageOf(again));
        }
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="editor-title">
      <h1 id="editor-title">{id ? "Edit post" : "New post"}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Title" value={state.draft.title} onChange={(e) => edit("title", e.target.value)} maxLength={200} required />
        <TextArea label="Content" value={state.draft.content} onChange={(e) => edit("content", e.target.value)} rows={10} required />
        <ErrorMessage message={error} />
        {state.conflict && (
          <section className="conflict" aria-labelledby="newer-title">
            <h2 id="newer-title">The version saved in the meantime</h2>
            <p className="conflict-title">{state.conflict.title}</p>
            <div className="content">{state.conflict.content}</div>
            <div className="actions">
              <button type="button" onClick={() => { setState(reapply(state)); setError(""); }}>
                Reapply my changes
              </button>
              <button type="button" onClick={() => { setState(takeTheirs(state)); setError(""); }}>
                Discard my changes
              </button>
            </div>
          </section>
        )}
        <button type="submit" disabled={saving || !!state.conflict}>
          {id ? "Save" : "Publish"}
        </button>
      </form>
    </section>
  );
}
