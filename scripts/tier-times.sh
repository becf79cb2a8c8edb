#!/usr/bin/env bash
# Prints the wall time and result of each tier scripts/tier.sh recorded in
# DIR, slowest first, then the total since START (seconds since the epoch).
# Exits non-zero when a tier failed or did not finish.
#
# Usage: scripts/tier-times.sh DIR START TIER...
set -uo pipefail

dir=$1 start=$2
shift 2
failed=0
rows=()
for tier in "$@"; do
	if [[ -f $dir/$tier ]]; then
		read -r status secs <"$dir/$tier"
		result=ok
		((status == 0)) || { result="FAIL ($status)"; failed=1; }
	else
		secs=0 result="did not run"
		failed=1
	fi
	rows+=("$(printf '%6d  %-16s %s' "$secs" "$tier" "$result")")
done
total=$(($(date +%s) - start))
echo
echo "== test tiers (wall time, seconds; tiers run in parallel)"
printf '%s\n' "${rows[@]}" | sort -rn | awk '{ printf "  %5ds  %-16s %s\n", $1, $2, substr($0, index($0, $3)) }'
printf '  %5ds  total\n' "$total"
exit "$failed"
