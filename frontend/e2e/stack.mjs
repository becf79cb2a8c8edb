// Starts what the browser tests run against: a real `eventboard local`
// (built from this checkout) on a free 127.0.0.1 port with a data directory
// of its own, serving frontend/dist; and Debian's chromium through
// playwright-core, which downloads no browser of its own.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer } from "node:net";
import { chromium } from "playwright-core";

export const repo = resolve(import.meta.dirname, "../..");
export const artifacts = resolve(import.meta.dirname, "../test-results");

/** freePort asks the kernel for a free loopback port. */
function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * startStack builds cmd/eventboard and runs `eventboard local` until stop()
 * is called. Its output goes to test-results/stack.log.
 */
export async function startStack() {
  if (!existsSync(join(repo, "frontend/dist/index.html"))) {
    throw new Error("frontend/dist is not built: run `npm run build` (make test-browser does)");
  }
  const dir = mkdtempSync(join(tmpdir(), "eventboard-e2e-"));
  const bin = join(dir, "eventboard");
  execFileSync("go", ["build", "-o", bin, "./cmd/eventboard"], { cwd: repo, stdio: "inherit" });
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const log = createWriteStream(join(artifacts, "stack.log"));
  const proc = spawn(
    bin,
    ["local", "--addr", addr, "--data", join(dir, "data"), "--config", "serverless.yml", "--frontend", "frontend/dist"],
    { cwd: repo, stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  let banner = "";
  proc.stdout.on("data", (chunk) => (banner += chunk));
  const base = `http://${addr}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`eventboard local exited with ${proc.exitCode}; see test-results/stack.log`);
    try {
      if ((await fetch(`${base}/api/posts?limit=1`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("eventboard local did not answer within 120 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    /** endpoints are the stack's AWS ports besides its own, as its banner prints them. */
    async endpoints() {
      const url = (re) => banner.match(re)?.[1];
      for (let i = 0; i < 100 && !/Lambda Invoke API/.test(banner); i++) await new Promise((r) => setTimeout(r, 100));
      return {
        kumo: url(/AWS endpoint \([^)]*\): (http:\/\/[0-9.:]+)/),
        cognitoIdp: url(/User pool \(Cognito\): (http:\/\/[0-9.:]+)/),
        lambda: url(/Lambda Invoke API: (http:\/\/[0-9.:]+)/),
      };
    },
    /** mailbox is the latest code the local user pool sent username. */
    async latestCode(username) {
      const res = await fetch(`${base}/local/mailbox?username=${encodeURIComponent(username)}`);
      const { messages } = await res.json();
      return { code: messages.at(-1)?.code, count: messages.length };
    },
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** launchChromium starts Debian's chromium headless; playwright gives it a fresh profile directory. */
export function launchChromium() {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: run scripts/install-tools.sh chromium (make test-browser does)`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
