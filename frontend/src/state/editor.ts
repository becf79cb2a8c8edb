// Editing a post under optimistic concurrency: the draft remembers the
// version it was read at; a VERSION_CONFLICT shows the newer saved version
// beside the draft, and the user either reapplies their text on top of it
// or takes the saved one.

import type { Post, PostInput } from "../api/client";

export interface EditorState {
  draft: PostInput;
  /** version is the saved version the draft is based on. */
  version: number;
  /** conflict is the newer saved version, once a save was refused. */
  conflict?: Post;
}

export function startEditing(post: Post): EditorState {
  return { draft: { title: post.title, content: post.content }, version: post.version };
}

/** conflicted records the newer version a save ran into; the draft is kept. */
export function conflicted(state: EditorState, newer: Post): EditorState {
  return { ...state, conflict: newer };
}

/** reapply keeps the user's text and bases it on the newer version, so the next save can succeed. */
export function reapply(state: EditorState): EditorState {
  if (!state.conflict) return state;
  return { draft: state.draft, version: state.conflict.version };
}

/** takeTheirs drops the draft for the newer saved version. */
export function takeTheirs(state: EditorState): EditorState {
  return state.conflict ? startEditing(state.conflict) : state;
}

/** unchanged tells whether the draft equals the post it was read from. */
export function unchanged(state: EditorState, post: Post): boolean {
  return state.draft.title === post.title && state.draft.content === post.content;
}
