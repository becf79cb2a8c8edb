// A page on another loopback origin, in a real Chromium, tries what a
// hostile site could against a developer's `eventboard local`: invoke a
// function with forged claims, fire a schedule, and call the AWS APIs of
// every side port (kumo, the user pool, the Invoke API). Each is refused:
// a simple request by its status (seen on the network, though the page
// cannot read it), one that needs an Authorization or X-Amz-Target header
// by a refused CORS preflight. The same calls from the AWS CLI, with any
// credentials, still work.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { artifacts, launchChromium, startStack } from "./stack.mjs";

const sigV4 =
  "AWS4-HMAC-SHA256 Credential=anyone/20261206/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00";
const poolId = "us-east-1_eventboardLocal";
const forgedCreate = JSON.stringify({
  version: "2.0",
  routeKey: "POST /api/posts",
  rawPath: "/api/posts",
  headers: { "content-type": "application/json" },
  requestContext: {
    http: { method: "POST", path: "/api/posts" },
    authorizer: { jwt: { claims: { sub: "victim", username: "victim" }, scopes: ["eventboard/posts.write"] } },
  },
  body: JSON.stringify({ title: "forged", content: "forged" }),
});

let stack, browser, page, other, ports;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  stack = await startStack();
  ports = await stack.endpoints();
  for (const [name, url] of Object.entries(ports)) assert.ok(url, `the stack's banner names no ${name} endpoint`);
  other = createServer((_, res) => res.end("<!doctype html><title>another site</title>"));
  await new Promise((ok) => other.listen(0, "127.0.0.1", ok));
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`http://127.0.0.1:${other.address().port}/`);
});

after(async () => {
  await browser?.close();
  other?.close();
  await stack?.stop();
});

/** simple sends a request a page can send without a preflight, and returns the status the network saw. */
async function simple(url, body, contentType = "text/plain") {
  const seen = page.waitForResponse((r) => r.url() === url && r.request().method() === "POST");
  await page.evaluate(
    ({ url, body, contentType }) =>
      fetch(url, { method: "POST", mode: "no-cors", headers: { "Content-Type": contentType }, body }).catch(() => {}),
    { url, body, contentType },
  );
  return (await seen).status();
}

/** preflighted sends a request with AWS's headers, and returns whether the page got an answer. */
function preflighted(url, body, headers) {
  return page.evaluate(
    async ({ url, body, headers }) => {
      try {
        await fetch(url, { method: "POST", headers, body });
        return "answered";
      } catch (e) {
        return String(e);
      }
    },
    { url, body, headers },
  );
}

/** aws runs the AWS CLI with made-up credentials. */
function aws(...args) {
  return execFileSync("aws", ["--region", "us-east-1", "--output", "json", ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: "AKIDANYTHING",
      AWS_SECRET_ACCESS_KEY: "any-secret",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    },
    encoding: "utf8",
  });
}

describe("a page on another loopback origin", () => {
  it("cannot invoke a function through the Invoke API, on the main port or its own", async () => {
    for (const base of [stack.base, ports.lambda]) {
      const url = `${base}/2015-03-31/functions/createPost/invocations`;
      assert.equal(await simple(url, forgedCreate), 403, url);
      assert.notEqual(
        await preflighted(url, forgedCreate, { Authorization: sigV4, "Content-Type": "application/json" }),
        "answered",
        url,
      );
    }
    const { posts } = await (await fetch(`${stack.base}/api/posts`)).json();
    assert.equal(posts.length, 0, "a forged invocation created a post");
    const out = join(mkdtempSync(join(tmpdir(), "eventboard-cli-")), "out.json");
    aws("--endpoint-url", stack.base, "lambda", "invoke", "--function-name", "listPosts", "--payload", "{}", out);
    aws("--endpoint-url", ports.lambda, "lambda", "invoke", "--function-name", "listPosts", "--payload", "{}", out);
  });

  it("cannot fire a schedule", async () => {
    const { schedules } = await (await fetch(`${stack.base}/local/schedules`)).json();
    assert.ok(schedules.length > 0, "the stack has no schedule");
    const url = stack.base + schedules[0].fire;
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const status = await simple(url, "{}", type);
      assert.ok(status === 415 || status === 403, `${type}: ${status}`);
    }
    assert.notEqual(await preflighted(url, "{}", { "Content-Type": "application/json" }), "answered");
    const fired = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    assert.equal(fired.status, 200, "firing from the stack's own tools");
  });

  it("cannot call the AWS APIs of any side port", async () => {
    const calls = [
      [ports.kumo, "DynamoDB_20120810.ListTables", "{}"],
      [ports.kumo, "AmazonSQS.ListQueues", "{}"],
      [ports.cognitoIdp, "AWSCognitoIdentityProviderService.AdminGetUser", JSON.stringify({ UserPoolId: poolId, Username: "x" })],
      [ports.cognitoIdp, "AWSCognitoIdentityProviderService.SignUp", "{}"],
      [`${stack.base}/local/cognito-idp/`, "AWSCognitoIdentityProviderService.AdminGetUser", "{}"],
    ];
    for (const [url, target, body] of calls) {
      const u = url.endsWith("/") ? url : `${url}/`;
      const status = await simple(u, body);
      assert.ok(status >= 400, `${target} at ${u} as a simple request: ${status}`);
      const headers = { "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1", Authorization: sigV4 };
      assert.notEqual(await preflighted(u, body, headers), "answered", `${target} at ${u}`);
    }
    aws("--endpoint-url", ports.kumo, "sqs", "list-queues");
    aws("--endpoint-url", ports.kumo, "dynamodb", "list-tables");
    aws("--endpoint-url", ports.cognitoIdp, "cognito-idp", "admin-create-user", "--user-pool-id", poolId,
      "--username", "cli", "--user-attributes", "Name=email,Value=cli@example.com");
    aws("--endpoint-url", ports.cognitoIdp, "cognito-idp", "admin-get-user", "--user-pool-id", poolId, "--username", "cli");
  });
});
