import { useEffect, useState } from "react";
import { useApp } from "../app-context";
import type { MyInfo as Info } from "../api/client";
import { messageOf } from "../api/errors";
import { ErrorMessage, Loading, LoginFirst } from "../components";

/** MyInfo shows the logged-in user's profile and how many posts they have. */
export function MyInfo() {
  const { api, user, ready } = useApp();
  const [info, setInfo] = useState<Info | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    if (!user) return;
    api.myInfo().then(setInfo, (err) => setError(messageOf(err)));
  }, [api, user]);

  if (!ready) return <Loading what="your session" />;
  if (!user) return <LoginFirst to="see your info" />;
  return (
    <section className="narrow" aria-labelledby="me-title">
      <h1 id="me-title">My info</h1>
      <ErrorMessage message={error} />
      {!info && !error && <Loading what="your info" />}
      {info && (
        <dl className="facts">
          <dt>Username</dt>
          <dd>{info.username}</dd>
          <dt>E-mail</dt>
          <dd>
            {info.email} {info.emailVerified ? "(verified)" : "(not verified)"}
          </dd>
          <dt>Posts</dt>
          <dd data-testid="post-count">{info.postCount}</dd>
        </dl>
      )}
    </section>
  );
}
