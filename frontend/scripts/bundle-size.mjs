// Prints the gzipped size of every built script and fails the build when the
// main bundle (the entry index.html loads) is over its budget. The figures
// go to dist/bundle-size.json for docs/performance.md.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const budget = 120 * 1024; // bytes, gzipped
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const entry = html.match(/<script type="module"[^>]*src="\/(assets\/[^"]+\.js)"/)?.[1];
if (!entry) throw new Error("bundle-size: no entry script in dist/index.html");

const files = readdirSync(join(dist, "assets"))
  .filter((f) => f.endsWith(".js") || f.endsWith(".css"))
  .map((f) => {
    const body = readFileSync(join(dist, "assets", f));
    return { file: `assets/${f}`, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
const main = files.find((f) => f.file === entry);
for (const f of files) {
  console.log(`${f.file === entry ? "main " : "     "}${f.file.padEnd(40)} ${kb(f.bytes)} KB, ${kb(f.gzip)} KB gzipped`);
}
writeFileSync(join(dist, "bundle-size.json"), JSON.stringify({ entry, budget, files }, null, 2));
if (main.gzip > budget) {
  console.error(`bundle-size: the main bundle is ${kb(main.gzip)} KB gzipped, over the ${kb(budget)} KB budget`);
  process.exit(1);
}
console.log(`main bundle ${kb(main.gzip)} KB gzipped (budget ${kb(budget)} KB)`);

function kb(n) {
  return (n / 1024).toFixed(1);
}
