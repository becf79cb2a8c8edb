#!/usr/bin/env bash
# Builds every function's deployment artifact: .build/<function>.zip holding
# one `bootstrap` for provided.al2023 on arm64, as serverless.yml expects.
# Usage: scripts/build-functions.sh [GOARCH]   (default arm64)
set -euo pipefail
cd "$(dirname "$0")/.."

arch="${1:-arm64}"

# serverless.yml function name and the Go package of its main, from the
# function registry (internal/registry).
mapfile -t functions < <(go run ./cmd/eventboard functions)
[ "${#functions[@]}" -gt 0 ] || { echo "no functions listed" >&2; exit 1; }

mkdir -p .build
for entry in "${functions[@]}"; do
  name="${entry%% *}"
  pkg="${entry#* }"
  dir=".build/$name"
  mkdir -p "$dir"
  CGO_ENABLED=0 GOOS=linux GOARCH="$arch" \
    go build -tags lambda.norpc -trimpath -ldflags "-s -w" -o "$dir/bootstrap" "$pkg"
  # A fixed timestamp keeps the zip identical for identical code, so
  # deployments of unchanged functions are no-ops.
  touch -d "2020-01-01T00:00:00Z" "$dir/bootstrap"
  rm -f ".build/$name.zip"
  (cd "$dir" && zip -q -X "../$name.zip" bootstrap)
  printf '%-12s %s  %s bytes\n' "$name" "$pkg" "$(stat -c %s "$dir/bootstrap")"
done
