import { lazy, Suspense, useEffect, useState } from "react";
import { useApp } from "../app-context";
import type { Stats as StatsData } from "../api/client";
import { messageOf } from "../api/errors";
import { ErrorMessage, Loading } from "../components";

// The chart library loads only on this page, keeping it out of the main bundle.
const PostsChart = lazy(() => import("./PostsChart"));

/** Stats shows the totals and a chart of posts per day over the last 30 days. */
export function Stats() {
  const { api } = useApp();
  const [stats, setStats] = useState<StatsData | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api.stats().then(setStats, (err) => setError(messageOf(err)));
  }, [api]);

  return (
    <section aria-labelledby="stats-title">
      <h1 id="stats-title">Stats</h1>
      <ErrorMessage message={error} />
      {!stats && !error && <Loading what="the stats" />}
      {stats && (
        <>
          <dl className="totals">
            <div>
              <dt>Posts</dt>
              <dd data-testid="total-posts">{stats.totals.posts}</dd>
            </div>
            <div>
              <dt>Users</dt>
              <dd data-testid="total-users">{stats.totals.users}</dd>
            </div>
          </dl>
          <figure className="chart">
            <figcaption>Posts per day, last 30 days (UTC)</figcaption>
            <Suspense fallback={<Loading what="the chart" />}>
              <PostsChart days={stats.postsPerDay} />
            </Suspense>
          </figure>
          <details>
            <summary>Posts per day as a table</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Posts</th>
                </tr>
              </thead>
              <tbody>
                {stats.postsPerDay.map((d) => (
                  <tr key={d.date}>
                    <td>{d.date}</td>
                    <td>{d.posts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
