// The API's error vocabulary (docs/api.md), and the sentence each code shows
// a person. Codes are stable; the server's `message` may change, so the UI
// never shows it.

/** ApiError is a refused or failed request: the API's stable code and the HTTP status. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId?: string;

  constructor(code: string, status: number, requestId?: string) {
    super(describeError(code));
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }
}

/** NETWORK is the code of a request that got no answer at all. */
export const NETWORK = "NETWORK";

const sentences: Record<string, string> = {
  INVALID_JSON: "The app sent something the server could not read. Reload the page and try again.",
  INVALID_UTF8: "The text holds characters that cannot be sent. Remove them and try again.",
  INVALID_BODY: "The app sent something the server could not read. Reload the page and try again.",
  INVALID_FIELD_TYPE: "The app sent something the server could not read. Reload the page and try again.",
  UNKNOWN_FIELD: "The app sent something the server could not read. Reload the page and try again.",
  DUPLICATE_FIELD: "The app sent something the server could not read. Reload the page and try again.",
  UNSUPPORTED_MEDIA_TYPE: "The app sent something the server could not read. Reload the page and try again.",
  HEADERS_TOO_LARGE: "The request was too large to send. Log in again and retry.",
  INVALID_QUERY: "The list could not be loaded. Reload the page.",
  INVALID_IDEMPOTENCY_KEY: "The post could not be sent. Reload the page and try again.",
  IDEMPOTENCY_KEY_REUSED: "This post was already sent with other text. Reload the page and try again.",
  FORBIDDEN_ORIGIN: "This page may not sign you in from here. Open the board at its own address.",
  MISSING_FIELD: "Please fill in every field.",
  INVALID_TITLE:
    "The title needs 1 to 200 characters, at least one of them visible, and no control or text-direction characters.",
  INVALID_CONTENT: "The content needs at least one visible character and may have up to 20,000 characters.",
  INVALID_VERSION: "This edit is based on a version the server does not know. Reload the post and try again.",
  INVALID_POST_ID: "There is no post at this address.",
  INVALID_LIMIT: "The list could not be loaded. Reload the page.",
  INVALID_CURSOR: "The next page could not be loaded. Reload the list.",
  UNAUTHORIZED: "Please log in again.",
  INSUFFICIENT_SCOPE: "Your session may not do this. Log in again.",
  NOT_POST_AUTHOR: "Only the author of a post can change or delete it.",
  POST_NOT_FOUND: "This post does not exist, or it was deleted.",
  ROUTE_NOT_FOUND: "The server does not know this request. Reload the page.",
  VERSION_CONFLICT: "Someone saved this post while you were editing it.",
  USERNAME_EXISTS: "This username is taken. Choose another one.",
  INVALID_USERNAME: "A username has 1 to 128 characters and no spaces.",
  INVALID_EMAIL: "Please enter a valid e-mail address.",
  WEAK_PASSWORD:
    "The password needs at least 8 characters, with a lower-case and an upper-case letter, a digit and a symbol.",
  INVALID_CODE: "The code is wrong or has expired. Check it, or ask for a new one.",
  INVALID_PARAMETER: "One of the values is not acceptable. Check the form and try again.",
  BAD_REQUEST: "The server could not accept this request. Check the form and try again.",
  INVALID_CREDENTIALS: "The username or the password is wrong.",
  INVALID_REFRESH_TOKEN: "Your session has ended. Please log in again.",
  TOKEN_REVOKED: "You logged out of this session. Please log in again.",
  USER_NOT_CONFIRMED: "Please confirm your e-mail address first: enter the code we sent you.",
  NEW_PASSWORD_REQUIRED: "This account must set a new password: use “Forgot password”.",
  LOGIN_CHALLENGE: "This account needs a sign-in step the app does not support yet.",
  TOO_MANY_REQUESTS: "Too many attempts. Wait a minute and try again.",
  PAYLOAD_TOO_LARGE: "The post is too large to send.",
  INTERNAL: "Something went wrong on our side. Please try again.",
  [NETWORK]: "The server cannot be reached. Check your connection and try again.",
};

/** knownErrorCodes lists every code with a sentence of its own (tests check the list against docs/api.md). */
export const knownErrorCodes = Object.keys(sentences);

/** describeError turns an error code into a sentence for people; unknown codes get a generic one. */
export function describeError(code: string): string {
  return sentences[code] ?? "Something went wrong. Please try again.";
}

/** messageOf is the sentence to show for anything a request threw. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return describeError(NETWORK);
}
