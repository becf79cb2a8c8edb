#!/usr/bin/env bash
# Prints a markdown table of what each dependency adds to a function's
# bootstrap: the code and read-only data of its symbols (go tool nm -size),
# summed per module, for the functions named (registry names and main
# packages, name=package), built as make build builds them but with their
# symbols kept. For docs/performance.md (scripts/bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
names=()
for arg in "$@"; do
  name=${arg%%=*} pkg=${arg#*=}
  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -o "$tmp/$name" "$pkg"
  go tool nm -size "$tmp/$name" >"$tmp/$name.nm"
  names+=("$name")
done

python3 - "$tmp" "${names[@]}" <<'PY'
import collections, re, sys
tmp, names = sys.argv[1], sys.argv[2:]
# Longest prefix first: a symbol belongs to the first group whose prefix its
# package path starts with.
groups = [
    ("github.com/aws/aws-sdk-go-v2/service/dynamodb/", "aws-sdk-go-v2 DynamoDB client"),
    ("github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/", "aws-sdk-go-v2 DynamoDB Streams types (attributevalue)"),
    ("github.com/aws/aws-sdk-go-v2/feature/dynamodb/", "aws-sdk-go-v2 attributevalue"),
    ("github.com/aws/aws-sdk-go-v2/service/eventbridge/", "aws-sdk-go-v2 EventBridge client"),
    ("github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/", "aws-sdk-go-v2 Cognito client"),
    ("github.com/aws/aws-sdk-go-v2/service/lambda/", "aws-sdk-go-v2 Lambda client"),
    ("github.com/aws/aws-sdk-go-v2/", "aws-sdk-go-v2 core"),
    ("github.com/aws/smithy-go/", "smithy-go"),
    ("github.com/aws/aws-lambda-go/", "aws-lambda-go"),
    ("github.com/eventboard/eventboard/", "eventboard"),
    ("github.com/golang-jwt/", "golang-jwt"),
    ("github.com/go-json-experiment/", "go-json-experiment"),
    ("github.com/google/uuid", "google/uuid"),
    ("github.com/", "other modules"),
]
sym = re.compile(r"^(?:type:)?\*?\(?\*?([\w./-]+?)\.[^/]*$")
sizes = {}
for name in names:
    total = collections.Counter()
    for line in open(f"{tmp}/{name}.nm"):
        f = line.split(None, 3)
        if len(f) < 4 or f[2] not in ("T", "t", "R", "r"):
            continue
        size, ident = int(f[1]), f[3].strip()
        if ident.startswith("go:"):  # the linker's tables: func data, strings
            total["unattributed (tables, strings)"] += size
            continue
        m = sym.match(ident)
        path = m.group(1) + "." if m else ""
        group = next((g for p, g in groups if path.startswith(p) or path == p.rstrip("/") + "."), None)
        if group is None:
            group = "Go runtime and standard library" if m and "." not in path.split("/")[0][:-1] else "unattributed (tables, strings)"
        total[group] += size
    sizes[name] = total
order = [g for _, g in groups] + ["Go runtime and standard library", "unattributed (tables, strings)"]
order = list(dict.fromkeys(order))
print("| dependency | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for g in order:
    if not any(sizes[n][g] for n in names):
        continue
    print(f"| {g} | " + " | ".join(f"{sizes[n][g] / 1024:.0f} KiB" if sizes[n][g] else "–" for n in names) + " |")
print("| **code and read-only data** | " + " | ".join(f"**{sum(sizes[n].values()) / 2**20:.2f} MiB**" for n in names) + " |")
PY
