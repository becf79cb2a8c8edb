// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes of
// api/openapi.yaml now: the client's types must follow the contract.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const committed = join(root, "src/api/schema.d.ts");
const dir = mkdtempSync(join(tmpdir(), "eventboard-api-types-"));
try {
  const fresh = join(dir, "schema.d.ts");
  execFileSync("npx", ["openapi-typescript", "../api/openapi.yaml", "-o", fresh], { cwd: root, stdio: "ignore" });
  if (readFileSync(fresh, "utf8") !== readFileSync(committed, "utf8")) {
    console.error("src/api/schema.d.ts is stale: run `npm run gen:api` in frontend/ and commit it");
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches api/openapi.yaml");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
