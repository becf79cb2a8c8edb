// The Eventboard API as functions: one per route of docs/api.md, each
// resolving to the route's answer or rejecting with an ApiError that holds
// the API's stable code.

import { ApiError } from "./errors";
import { apiURL, type Session, type Tokens } from "./session";

export interface Post {
  id: string;
  title: string;
  content: string;
  authorId: string;
  authorName: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface PostPage {
  posts: Post[];
  nextCursor?: string;
}

export interface MyInfo {
  username: string;
  sub: string;
  email: string;
  emailVerified: boolean;
  postCount: number;
}

export interface Stats {
  totals: { posts: number; users: number };
  postsPerDay: { date: string; posts: number }[];
}

export interface PostInput {
  title: string;
  content: string;
}

/** Api calls the HTTP API through a Session, which adds the token and refreshes it. */
export class Api {
  readonly session: Session;

  constructor(session: Session) {
    this.session = session;
  }

  listPosts(cursor?: string, limit = 20): Promise<PostPage> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set("cursor", cursor);
    return this.call("GET", `/api/posts?${q}`);
  }

  getPost(id: string): Promise<Post> {
    return this.call("GET", `/api/posts/${encodeURIComponent(id)}`);
  }

  createPost(input: PostInput): Promise<Post> {
    return this.call("POST", "/api/posts", input);
  }

  /** updatePost saves a post edited at version; a newer saved version rejects with VERSION_CONFLICT. */
  updatePost(id: string, input: PostInput, version: number): Promise<Post> {
    return this.call("PUT", `/api/posts/${encodeURIComponent(id)}`, { ...input, version });
  }

  deletePost(id: string): Promise<void> {
    return this.call("DELETE", `/api/posts/${encodeURIComponent(id)}`);
  }

  myInfo(): Promise<MyInfo> {
    return this.call("GET", "/api/myinfo");
  }

  stats(): Promise<Stats> {
    return this.call("GET", "/api/stats");
  }

  signUp(username: string, email: string, password: string): Promise<void> {
    return this.call("POST", "/api/auth/signup", { username, email, password });
  }

  confirm(username: string, code: string): Promise<void> {
    return this.call("POST", "/api/auth/confirm", { username, code });
  }

  resend(username: string): Promise<void> {
    return this.call("POST", "/api/auth/resend", { username });
  }

  /** forgotPassword asks for a reset code; it succeeds for any username (no enumeration). */
  forgotPassword(username: string): Promise<void> {
    return this.call("POST", "/api/auth/forgot", { username });
  }

  resetPassword(username: string, code: string, newPassword: string): Promise<void> {
    return this.call("POST", "/api/auth/reset", { username, code, newPassword });
  }

  /** login starts the session (the refresh token arrives as an HttpOnly cookie). */
  async login(username: string, password: string): Promise<void> {
    const tokens = await this.call<Tokens>("POST", "/api/auth/login", { username, password });
    this.session.accept(tokens);
  }

  logout(): Promise<void> {
    return this.session.logout();
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, "Content-Type": "application/json" };
    }
    const res = await this.session.fetch(new Request(apiURL(path), init));
    if (res.ok) {
      const text = await res.text();
      return (text ? JSON.parse(text) : undefined) as T;
    }
    throw await errorOf(res);
  }
}

/** errorOf reads the API's error body; a body that is not one (a proxy's page) still yields a code. */
export async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { code?: unknown; requestId?: unknown };
    if (typeof body.code === "string") {
      return new ApiError(body.code, res.status, typeof body.requestId === "string" ? body.requestId : undefined);
    }
  } catch {
    // not JSON
  }
  return new ApiError(res.status >= 500 ? "INTERNAL" : `HTTP_${res.status}`, res.status);
}
