#!/usr/bin/env bash
# The operator's DLQ scenario, end to end, with the AWS CLI against a real
# `eventboard local`: put 5 PostCreated events (as EventBridge delivers them
# to SQS) and 2 unreadable messages into the counter DLQ; `dlq list` shows 7;
# `dlq peek` shows them and leaves 7; `replay --dry-run` moves nothing;
# `replay --detail-type PostCreated` moves the 5, GET /api/stats counts them,
# the 2 stay; the same replay again, and a replay of the same 5 events put
# back, change no counter; then 20 rounds of send, peek, dry run and replay
# that must each see every message. Exits non-zero at the first step that fails.
#
# The stack runs on 127.0.0.1 only, on a free port, with its data in a fresh
# temporary directory (removed afterwards).
#
# Usage: scripts/dlq-scenario.sh
# Env:   AWS_CLI  the AWS CLI to use (aws); it must speak SQS's JSON protocol
#                 (botocore from 2024 on), as kumo does not serve the older
#                 query protocol
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
aws_cli=${AWS_CLI:-aws}
command -v "$aws_cli" >/dev/null || { echo "dlq-scenario.sh: no AWS CLI ($aws_cli); scripts/install-tools.sh awscli installs one" >&2 && exit 1; }

work=$(mktemp -d -t dlq-scenario.XXXXXX)
data=$work/data
pid=
stop() {
	[[ -z $pid ]] || { kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; }
	rm -rf "$work"
}
trap stop EXIT
fail() {
	echo "dlq-scenario.sh: FAIL: $*" >&2
	echo "--- eventboard local's log (tail) ---" >&2
	tail -n 30 "$work/local.log" >&2 || true
	exit 1
}
step() { echo "== $*"; }

go build -o "$work/eventboard" ./cmd/eventboard
eb() { "$work/eventboard" "$@"; }

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base=http://127.0.0.1:$port
"$work/eventboard" local --addr "127.0.0.1:$port" --data "$data" --frontend "" >"$work/local.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
	[[ -s $data/aws-endpoint ]] && curl -fsS "$base/api/stats" >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "eventboard local exited"
	sleep 0.1
done
[[ -s $data/aws-endpoint ]] || fail "no $data/aws-endpoint after 30 s"
grep -q "AWS endpoint" "$work/local.log" || fail "eventboard local did not print its AWS endpoint"

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
export AWS_CONFIG_FILE=$work/no-config AWS_SHARED_CREDENTIALS_FILE=$work/no-credentials
awsl() { "$aws_cli" --endpoint-url "$(cat "$data/aws-endpoint")" "$@"; }

step "the AWS CLI reaches the local queues"
if ! dlq_url=$(awsl sqs get-queue-url --queue-name eventboard-local-counter-dlq --query QueueUrl --output text 2>"$work/aws.err"); then
	cat "$work/aws.err" >&2
	fail "$("$aws_cli" --version 2>&1) cannot reach kumo's SQS: it needs an AWS CLI that speaks SQS's JSON protocol"
fi

# Five PostCreated events as EventBridge delivers them to an SQS target, each
# with an eventId of its own (the sample's, last digit replaced), in one
# SendMessageBatch; "unreadable" adds the two messages no worker can read.
batch() {
	node -e '
		const sample = require("fs").readFileSync("events/samples/PostCreated.json", "utf8");
		const id = "019cebab-88e9-73b7-a9e1-f2a4c6e8091a";
		const entries = [1, 2, 3, 4, 5].map(i => ({Id: "e" + i, MessageBody: JSON.stringify(JSON.parse(sample.replace(id, id.slice(0, -1) + i)))}));
		if (process.argv[1] === "unreadable") entries.push({Id: "u1", MessageBody: "this is not JSON"}, {Id: "u2", MessageBody: "{\"detail-type\":\"PostCreated\"}"});
		console.log(JSON.stringify(entries));
	' "$@" >"$work/batch.json"
	failed=$(awsl sqs send-message-batch --queue-url "$dlq_url" --entries "file://$work/batch.json" --query 'length(Failed || `[]`)' --output text)
	[[ $failed == 0 ]] || fail "SendMessageBatch failed $failed entries"
}
batch unreadable

# messages prints how many messages `dlq list` counts in QUEUE.
messages() { eb dlq list --data "$data" --json | grep "\"queue\":\"$1\"" | sed -E 's/.*"messages":([0-9]+).*/\1/'; }
# posts prints the total of posts GET /api/stats counts, read past the edge
# cache as an operator checking a replay needs: a request with an
# Authorization header is keyed apart and answered private, no-store
# (docs/api.md, "Caching"), where an anonymous one may get the copy from
# before the replay for the stats' 5 minutes.
posts() { curl -fsS -H 'Authorization: Bearer dlq-scenario' "$base/api/stats" | sed -E 's/^\{"totals":\{"posts":([0-9]+).*/\1/'; }

step "list shows 7"
eb dlq list --data "$data"
[[ $(messages counter-dlq) == 7 ]] || fail "list counts $(messages counter-dlq) in counter-dlq, want 7"

step "peek shows them and leaves 7"
eb dlq peek counter-dlq --max 0 --data "$data" | tee "$work/peek"
[[ $(grep -c '^  event id' "$work/peek") == 5 ]] || fail "peek shows $(grep -c '^  event id' "$work/peek") events, want 5"
[[ $(grep -c '(unreadable)' "$work/peek") == 2 ]] || fail "peek shows $(grep -c '(unreadable)' "$work/peek") unreadable messages, want 2"
attrs=$(awsl sqs get-queue-attributes --queue-url "$dlq_url" --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible \
	--query '[Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible]' --output text)
read -r visible hidden <<<"$attrs"
((visible + hidden == 7)) || fail "after peek the AWS CLI counts $visible visible + $hidden in flight, want 7"
[[ $(messages counter-dlq) == 7 ]] || fail "after peek list counts $(messages counter-dlq), want 7"

step "replay --dry-run moves nothing"
eb dlq replay counter-dlq --dry-run --detail-type PostCreated --data "$data" | tee "$work/dry"
[[ $(grep -c '^would move' "$work/dry") == 5 ]] || fail "dry run lists $(grep -c '^would move' "$work/dry") messages, want 5"
[[ $(messages counter-dlq) == 7 ]] || fail "after a dry run list counts $(messages counter-dlq), want 7"
sleep 2
[[ $(posts) == 0 ]] || fail "after a dry run stats count $(posts) posts, want 0"

step "replay --detail-type PostCreated moves the 5; stats count them; the 2 stay"
eb dlq replay counter-dlq --detail-type PostCreated --data "$data" || fail "replay exited with $?"
for _ in $(seq 300); do [[ $(posts) == 5 ]] && break; sleep 0.1; done
[[ $(posts) == 5 ]] || fail "stats count $(posts) posts, want 5"
[[ $(messages counter-dlq) == 2 ]] || fail "after the replay list counts $(messages counter-dlq) in counter-dlq, want 2"
[[ $(wc -l <"$data/dlq-audit.jsonl") == 5 ]] || fail "the audit log has $(wc -l <"$data/dlq-audit.jsonl") lines, want 5"

step "the same replay again changes no counter"
eb dlq replay counter-dlq --detail-type PostCreated --data "$data" | tee "$work/again"
grep -q '^moved 0 of 0' "$work/again" || fail "the second replay moved something"

step "the same 5 events dead-lettered again and replayed: the worker counts each once"
batch
eb dlq replay counter-dlq --detail-type PostCreated --data "$data" | tee "$work/dup"
grep -q '^moved 5 of 5' "$work/dup" || fail "the replay of the duplicates did not move 5"
counter_url=$(awsl sqs get-queue-url --queue-name eventboard-local-counter --query QueueUrl --output text)
for _ in $(seq 300); do
	left=$(awsl sqs get-queue-attributes --queue-url "$counter_url" --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible \
		--query '[Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible]' --output text)
	read -r v h <<<"$left"
	((v + h == 0)) && break
	sleep 0.1
done
((v + h == 0)) || fail "the counter queue still holds $v + $h messages"
[[ $(posts) == 5 ]] || fail "after replaying duplicates stats count $(posts) posts, want 5"
[[ $(messages counter-dlq) == 2 ]] || fail "list counts $(messages counter-dlq) in counter-dlq, want the 2 unreadable"

step "20 rounds: the AWS CLI sends 5, and peek, a dry run and a replay each see all 5"
# A receive whose answer is lost on the way hides its messages; every look
# must still see every message, round after round.
for round in $(seq 20); do
	batch
	n=$(eb dlq peek counter-dlq --max 0 --data "$data" | grep -c '^  event id') || true
	[[ $n == 5 ]] || fail "round $round: peek shows $n events, want 5"
	n=$(eb dlq replay counter-dlq --dry-run --detail-type PostCreated --data "$data" | grep -c '^would move') || true
	[[ $n == 5 ]] || fail "round $round: the dry run lists $n messages, want 5"
	eb dlq replay counter-dlq --detail-type PostCreated --data "$data" >"$work/round" || fail "round $round: replay exited with $?"
	grep -q '^moved 5 of 5' "$work/round" || fail "round $round: $(grep '^moved' "$work/round")"
done
echo "20 rounds: every look saw every message"

step "--native is refused locally, with a reason"
if eb dlq replay counter-dlq --native --data "$data" 2>"$work/native"; then fail "--native succeeded locally"; fi
grep -q NATIVE_UNSUPPORTED "$work/native" || fail "--native: $(cat "$work/native")"

echo "dlq-scenario.sh: ok"
