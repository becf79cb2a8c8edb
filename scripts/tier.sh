#!/usr/bin/env bash
# Runs one test tier and records its wall time and exit status, for the
# table `make test` prints at the end (scripts/tier-times.sh).
#
# Usage: scripts/tier.sh DIR NAME CMD [ARG...]
#   writes DIR/NAME: "<status> <seconds>"
set -uo pipefail

dir=$1 name=$2
shift 2
mkdir -p "$dir"
start=${EPOCHREALTIME/./}
"$@"
status=$?
end=${EPOCHREALTIME/./}
echo "$status $(((end - start + 500000) / 1000000))" >"$dir/$name"
exit "$status"
