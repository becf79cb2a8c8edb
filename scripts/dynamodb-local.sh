#!/usr/bin/env bash
# Runs CMD beside DynamoDB Local (AWS's own jar) and exits with CMD's status.
#
# The jar cannot bind to loopback only, so it and CMD run in a network
# namespace that has nothing but loopback. CMD sees
#   DYNAMODB_LOCAL_ENDPOINT=http://127.0.0.1:8000  REQUIRE_DYNAMODB_LOCAL=1
# and GOPROXY=off: nothing can be downloaded in there, so warm the module
# cache first (go mod download).
#
# Usage: scripts/dynamodb-local.sh CMD [ARG...]
# Env:   DYNAMODB_LOCAL_TIMEOUT  seconds to wait for the jar to answer (60)
set -euo pipefail

(($# > 0)) || { echo "usage: $0 CMD [ARG...]" >&2 && exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$root/.tools/dynamodb-local
port=8000

if [[ ${EVENTBOARD_IN_NETNS:-} != 1 ]]; then
	for tool in ip unshare java; do
		command -v "$tool" >/dev/null ||
			{ echo "dynamodb-local.sh: $tool not found; run scripts/install-tools.sh" >&2 && exit 1; }
	done
	"$root/scripts/install-tools.sh" dynamodb-local
	# Root gets a plain network namespace; anyone else maps themselves to
	# root in a user namespace first (where the kernel allows it).
	netns=(unshare --net)
	((EUID == 0)) || netns=(unshare --map-root-user --net)
	exec "${netns[@]}" env EVENTBOARD_IN_NETNS=1 "${BASH_SOURCE[0]}" "$@"
fi

unset EVENTBOARD_IN_NETNS
ip link set lo up
log=$(mktemp -t dynamodb-local.XXXXXX.log)
(cd "$dir" && exec java -Djava.library.path="$dir/DynamoDBLocal_lib" -jar DynamoDBLocal.jar \
	-port "$port" -inMemory -disableTelemetry) >"$log" 2>&1 &
java_pid=$!
# shellcheck disable=SC2317 # run by the EXIT trap
stop() {
	kill "$java_pid" 2>/dev/null || true
	wait "$java_pid" 2>/dev/null || true
	rm -f "$log"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Ready when it answers HTTP (any status) on the port.
answers() {
	local line=
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return
	printf 'GET / HTTP/1.0\r\n\r\n' >&3
	read -r -t 5 line <&3 || true
	exec 3>&-
	[[ $line == HTTP/* ]]
}
deadline=$((SECONDS + ${DYNAMODB_LOCAL_TIMEOUT:-60}))
until answers 2>/dev/null; do
	problem=
	kill -0 "$java_pid" 2>/dev/null || problem="exited at start"
	((SECONDS < deadline)) || problem="did not answer on 127.0.0.1:$port within ${DYNAMODB_LOCAL_TIMEOUT:-60}s"
	if [[ -n $problem ]]; then
		echo "dynamodb-local.sh: DynamoDB Local $problem; its log:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.2
done

status=0
DYNAMODB_LOCAL_ENDPOINT=http://127.0.0.1:$port REQUIRE_DYNAMODB_LOCAL=1 GOPROXY=off "$@" || status=$?
if ((status != 0)); then
	echo "dynamodb-local.sh: $* exited with status $status; DynamoDB Local's log:" >&2
	cat "$log" >&2
fi
exit "$status"
