import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** PostsChart draws posts per day as bars with uPlot, resizing with its container. */
export default function PostsChart({ days }: { days: { date: string; posts: number }[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
    const ys = days.map((d) => d.posts);
    const width = () => Math.max(280, el.clientWidth);
    const chart = new uPlot(
      {
        width: width(),
        height: 240,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        legend: { show: false },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: true, range: (_u, min, max) => [min - 43200, max + 43200] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")) }],
        series: [
          {},
          {
            label: "Posts",
            fill: "rgba(29, 78, 216, 0.6)",
            stroke: "#1d4ed8",
            paths: uPlot.paths.bars!({ size: [0.7, 40] }),
            points: { show: false },
          },
        ],
      },
      [xs, ys],
      el,
    );
    const onResize = () => chart.setSize({ width: width(), height: 240 });
    window.addEventListener("resize", onResize);
    return () => {
      window.removeEventListener("resize", onResize);
      chart.destroy();
    };
  }, [days]);
  return <div ref={box} className="chart-box" role="img" aria-label={summary(days)} data-testid="posts-chart" />;
}

function summary(days: { date: string; posts: number }[]): string {
  const total = days.reduce((n, d) => n + d.posts, 0);
  const today = days.at(-1);
  return `Bar chart: ${total} posts over the last ${days.length} days${today ? `, ${today.posts} today` : ""}.`;
}
