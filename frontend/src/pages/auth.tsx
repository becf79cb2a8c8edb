// The identity pages: sign up, confirm (and resend the code), log in, and
// the forgotten-password reset. None of them tells whether a username exists.

import { useState, type FormEvent, type ReactNode } from "react";
import { useApp } from "../app-context";
import { ApiError, messageOf } from "../api/errors";
import { ErrorMessage, Field, Notice } from "../components";
import { Link, navigate, useLocation } from "../router";

const passwordHint = "8 or more characters, with a lower-case and an upper-case letter, a digit and a symbol.";

/** useForm runs a form's action, keeping its busy and error states. */
function useForm() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [errorCode, setErrorCode] = useState("");
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError("");
    setErrorCode("");
    try {
      await action();
    } catch (err) {
      setError(messageOf(err));
      setErrorCode(err instanceof ApiError ? err.code : "");
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, errorCode, run };
}

function Page({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="narrow" aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      {children}
    </section>
  );
}

export function SignUp() {
  const { api } = useApp();
  const { busy, error, run } = useForm();
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.signUp(username.trim(), email.trim(), password);
      navigate(`/confirm?username=${encodeURIComponent(username.trim())}&sent=1`);
    });
  };
  return (
    <Page title="Sign up">
      <form onSubmit={submit} noValidate>
        <Field label="Username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        <Field label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <Field label="Password" type="password" autoComplete="new-password" hint={passwordHint} value={password} onChange={(e) => setPassword(e.target.value)} required />
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>Sign up</button>
      </form>
      <p>
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </Page>
  );
}

export function Confirm() {
  const { api } = useApp();
  const { query } = useLocation();
  const { busy, error, run } = useForm();
  const [username, setUsername] = useState(query.get("username") ?? "");
  const [code, setCode] = useState("");
  const [notice, setNotice] = useState(query.get("sent") ? "We sent a confirmation code to your e-mail address." : "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.confirm(username.trim(), code.trim());
      navigate(`/login?username=${encodeURIComponent(username.trim())}&confirmed=1`);
    });
  };
  const resend = () =>
    void run(async () => {
      setNotice("");
      await api.resend(username.trim());
      setNotice("If this account waits for confirmation, a new code is on its way.");
    });
  return (
    <Page title="Confirm your e-mail">
      <Notice>{notice}</Notice>
      <form onSubmit={submit} noValidate>
        <Field label="Username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        <Field label="Confirmation code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required />
        <ErrorMessage message={error} />
        <div className="actions">
          <button type="submit" disabled={busy}>Confirm</button>
          <button type="button" className="secondary" onClick={resend} disabled={busy || !username.trim()}>
            Resend code
          </button>
        </div>
      </form>
    </Page>
  );
}

export function Login() {
  const { api } = useApp();
  const { query } = useLocation();
  const { busy, error, errorCode, run } = useForm();
  const [username, setUsername] = useState(query.get("username") ?? "");
  const [password, setPassword] = useState("");
  const [hint, setHint] = useState("");
  const next = safeNext(query.get("next"));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.login(username.trim(), password);
      navigate(next, { replace: true });
    });
  };
  const forgot = () => {
    if (!username.trim()) {
      setHint("Enter your username first, then choose “Forgot password”.");
      return;
    }
    void run(async () => {
      await api.forgotPassword(username.trim());
      navigate(`/reset?username=${encodeURIComponent(username.trim())}`);
    });
  };
  const message = error || hint;
  return (
    <Page title="Log in">
      <Notice>
        {query.get("confirmed") && "Your e-mail address is confirmed. You can log in now."}
        {query.get("reset") && "Your password was changed. Log in with the new one."}
      </Notice>
      <form onSubmit={submit} noValidate>
        <Field label="Username" autoComplete="username" value={username} onChange={(e) => { setUsername(e.target.value); setHint(""); }} required />
        <Field label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        <ErrorMessage message={message}>
          {errorCode === "USER_NOT_CONFIRMED" && <Link href={`/confirm?username=${encodeURIComponent(username.trim())}`}>Enter the code</Link>}
        </ErrorMessage>
        <div className="actions">
          <button type="submit" disabled={busy}>Log in</button>
          <button type="button" className="secondary" onClick={forgot} disabled={busy}>
            Forgot password
          </button>
        </div>
      </form>
      <p>
        New here? <Link href="/signup">Sign up</Link>
      </p>
    </Page>
  );
}

export function ResetPassword() {
  const { api } = useApp();
  const { query } = useLocation();
  const { busy, error, run } = useForm();
  const [username, setUsername] = useState(query.get("username") ?? "");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.resetPassword(username.trim(), code.trim(), password);
      navigate(`/login?username=${encodeURIComponent(username.trim())}&reset=1`, { replace: true });
    });
  };
  return (
    <Page title="Reset your password">
      <Notice>If the account exists, we sent a code to its e-mail address.</Notice>
      <form onSubmit={submit} noValidate>
        <Field label="Username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        <Field label="Confirmation code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required />
        <Field label="New password" type="password" autoComplete="new-password" hint={passwordHint} value={password} onChange={(e) => setPassword(e.target.value)} required />
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>Reset password</button>
      </form>
    </Page>
  );
}

/** safeNext keeps a post-login redirect inside the app. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
