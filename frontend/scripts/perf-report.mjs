// Prints the SPA's section of docs/performance.md: the bundle sizes of the
// last build (dist/bundle-size.json, written by `npm run build`) and the
// load times the browser tests measured (test-results/first-load.json,
// written by `make test-browser`). scripts/bench.sh appends it.
import { existsSync, readFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const read = (path) => (existsSync(root + path) ? JSON.parse(readFileSync(root + path, "utf8")) : null);
const sizes = read("dist/bundle-size.json");
const load = read("test-results/first-load.json");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const lines = ["## The SPA", ""];
if (sizes) {
  lines.push(
    "`npm run build` in frontend/ (Vite, minified; gzip -9 sizes). Budget: the main",
    `bundle, everything the first page needs, ≤ ${kb(sizes.budget)} gzipped; the build fails over it.`,
    "The chart library loads only with the stats page.",
    "",
    "| file | size | gzipped |",
    "|---|---|---|",
    ...sizes.files.map((f) => `| ${f.file === sizes.entry ? "**main** " : ""}${f.file.replace(/-[A-Za-z0-9_-]{8}\./, ".")} | ${kb(f.bytes)} | ${kb(f.gzip)} |`),
    "",
  );
} else {
  lines.push("No build to measure: run `make frontend`.", "");
}
if (load) {
  lines.push(
    "First load of the list page in Debian's chromium (headless) against `eventboard local`",
    "on 127.0.0.1, measured by the browser tests (frontend/e2e), on the same shared 2 cores:",
    "",
    "| | ms |",
    "|---|---|",
    `| first visit, empty cache: navigation to the list shown | ${load.firstLoadMs} |`,
    `| of which DOMContentLoaded / load | ${Math.round(load.domContentLoaded)} / ${Math.round(load.load)} |`,
    `| reload with a warm cache | ${load.repeatLoadMs} |`,
    "",
  );
} else {
  lines.push("No load times yet: run `make test-browser`.", "");
}
process.stdout.write(lines.join("\n"));
