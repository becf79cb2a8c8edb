// Edge caching as a reader and an author meet it, in a real Chromium
// against `eventboard local`, whose front door caches /api as the
// deployed distribution does (serverless.yml's PublicReadsCachePolicy and
// the functions' Cache-Control): the author's edit shows to the author at
// once, and another reader, served the cached copy meanwhile, sees it
// within the post's stated freshness (s-maxage 240 s + stale-while-
// revalidate 60 s: docs/api.md, "Caching"). It waits that long on the
// wall clock: about 4 minutes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { artifacts, launchChromium, startStack } from "./stack.mjs";

const timeout = 30_000;
const password = "Corr3ct-horse!";
// The longest a reader may be served the copy from before the edit, and a
// margin for a shared machine.
const postWithinMs = 300_000;
const marginMs = 10_000;

let stack, browser, author, reader;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  stack = await startStack();
  browser = await launchChromium();
  author = await browser.newContext({ baseURL: stack.base });
  reader = await browser.newContext({ baseURL: stack.base });
  for (const c of [author, reader]) c.setDefaultTimeout(timeout);
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signUp(name) {
  const post = (path, body) =>
    fetch(`${stack.base}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  assert.equal((await post("/api/auth/signup", { username: name, email: `${name}@example.com`, password })).status, 201);
  const { code } = await stack.latestCode(name);
  assert.equal((await post("/api/auth/confirm", { username: name, code })).status, 204);
}

/** xCache is what the front door said of an anonymous read of path: a hit or a miss. */
async function xCache(path) {
  return (await fetch(`${stack.base}${path}`)).headers.get("X-Cache");
}

describe("the edge cache", { concurrency: false }, () => {
  it("shows an author's edit to the author at once, and to another reader within the stated freshness", async () => {
    await signUp("carol");
    const page = await author.newPage();
    await page.goto("/login");
    await page.getByLabel("Username").fill("carol");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor();

    await page.getByRole("link", { name: "New post" }).click();
    await page.getByLabel("Title").fill("Cached at the edge");
    await page.getByLabel("Content").fill("Version one.");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("heading", { level: 1, name: "Cached at the edge" }).waitFor();
    const id = page.url().split("/posts/")[1];

    // Another reader reads it: the edge keeps the copy.
    const view = await reader.newPage();
    await view.goto(`/posts/${id}`);
    await view.getByText("Version one.").waitFor();
    assert.equal(await xCache(`/api/posts/${id}`), "Hit from cloudfront", "the reader's copy is cached");

    // The author edits: the page shows the saved post at once, and so
    // does a reload (its reads carry the token for a while after a write).
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByLabel("Content").fill("Version two.");
    await page.getByRole("button", { name: "Save" }).click();
    const edited = Date.now();
    await page.getByText("Version two.").waitFor();
    await page.reload();
    await page.getByText("Version two.").waitFor();
    await page.goto("/");
    await page.getByRole("heading", { level: 1, name: "Posts" }).waitFor();
    await page.screenshot({ path: join(artifacts, "cache-author-list.png") });
    await page.getByRole("link", { name: "Cached at the edge" }).click();
    await page.getByText("Version two.").waitFor();

    // The other reader still gets the edge's copy, then the edit within
    // the post's freshness.
    await view.reload();
    await view.getByRole("heading", { level: 1, name: "Cached at the edge" }).waitFor();
    const stale = await view.getByText("Version one.").count();
    for (;;) {
      await view.reload();
      await view.getByRole("heading", { level: 1, name: "Cached at the edge" }).waitFor();
      if ((await view.getByText("Version two.").count()) > 0) break;
      assert.ok(Date.now() - edited < postWithinMs + marginMs, `the reader still sees version one ${Date.now() - edited} ms after the edit`);
      await view.waitForTimeout(5_000);
    }
    const seenAfter = Date.now() - edited;
    console.log(`the reader saw the edit ${seenAfter} ms after it (stated: within ${postWithinMs} ms); right after it: ${stale ? "the cached copy" : "the edit"}`);
    assert.equal(stale, 1, "right after the edit the reader is served the cached copy");
  });
});
