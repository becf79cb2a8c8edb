#!/usr/bin/env bash
# Runs CMD beside cognito-local (npm, pinned in package.json) and exits with
# CMD's status.
#
# cognito-local listens on 127.0.0.1 only, on a free port, with its state in
# a fresh temporary directory (removed afterwards) and every confirmation
# code fixed. CMD sees
#   COGNITO_LOCAL_ENDPOINT=http://127.0.0.1:PORT  REQUIRE_COGNITO_LOCAL=1
#   COGNITO_LOCAL_CODE=<the fixed code>
# It installs nothing: run `npm ci` first (make does).
#
# Usage: scripts/cognito-local.sh CMD [ARG...]
# Env:   COGNITO_LOCAL_TIMEOUT  seconds to wait for it to answer (30)
#        COGNITO_LOCAL_CODE     the confirmation code it sends (123456)
set -euo pipefail

(($# > 0)) || { echo "usage: $0 CMD [ARG...]" >&2 && exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
start=$root/node_modules/cognito-local/lib/bin/start.js
[[ -f $start ]] || { echo "cognito-local.sh: $start not found; run npm ci" >&2 && exit 1; }
command -v node >/dev/null || { echo "cognito-local.sh: node not found" >&2 && exit 1; }
code=${COGNITO_LOCAL_CODE:-123456}

# A free port: bind port 0 and let the kernel choose. Another process could
# take it before cognito-local binds it; the readiness check below would then
# fail loudly rather than talk to a stranger for long.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

work=$(mktemp -d -t cognito-local.XXXXXX)
log=$work/cognito-local.log
mkdir "$work/.cognito"
# cognito-local gives a pool created without UsernameAttributes its default
# of ["email"] (usernames must be e-mail addresses); AWS gives it none, as
# serverless.yml's UserPool expects.
printf '{"UserPoolDefaults": {"UsernameAttributes": []}}\n' >"$work/.cognito/config.json"
# Started directly (not through npx) so that $! is the server itself.
(cd "$work" && HOST=127.0.0.1 PORT=$port CODE=$code exec node "$start") >"$log" 2>&1 &
pid=$!
stop() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Ready when /health answers 200.
healthy() {
	local line
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return
	printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	read -r -t 5 line <&3 || true
	exec 3>&-
	[[ $line == "HTTP/1."?" 200"* ]]
}
timeout=${COGNITO_LOCAL_TIMEOUT:-30}
deadline=$((SECONDS + timeout))
until healthy 2>/dev/null; do
	if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
		echo "cognito-local.sh: cognito-local did not answer on 127.0.0.1:$port within ${timeout}s; its log:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.1
done

status=0
COGNITO_LOCAL_ENDPOINT=http://127.0.0.1:$port REQUIRE_COGNITO_LOCAL=1 COGNITO_LOCAL_CODE=$code "$@" || status=$?
if ((status != 0)); then
	echo "cognito-local.sh: $* exited with status $status; cognito-local's log:" >&2
	cat "$log" >&2
fi
exit "$status"
