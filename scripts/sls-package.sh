#!/usr/bin/env bash
# Packages the deployment offline: runs `serverless package` (osls, the
# maintained fork of Serverless Framework v3, pinned in package.json) for the
# given stage and writes the CloudFormation template to .serverless/, without
# AWS credentials or network.
#
#   scripts/sls-package.sh            # stage "test"
#   SLS_STAGE=dev scripts/sls-package.sh
#   SLS_OUT=.serverless-subscribers scripts/sls-package.sh --param="subscriberAccounts=111122223333"
#
# Arguments are passed on to `serverless package`; SLS_OUT is the output
# directory (default .serverless).
#
# Needs `npm ci` (for node_modules/.bin/serverless) and the function zips that
# serverless.yml names as package.artifact (.build/<function>.zip): run
# `make build` first. The zips are checked here rather than made up, so a
# template is never generated from stale or empty artifacts.
#
# The Go test that checks the template:
#   EVENTBOARD_CFN_TEMPLATE=$PWD/.serverless/cloudformation-template-update-stack.json \
#     EVENTBOARD_CFN_STAGE=test go test ./internal/manifest/cfn/ -run TestGeneratedTemplate
set -euo pipefail

cd "$(dirname "$0")/.."
stage="${SLS_STAGE:-test}"
out="${SLS_OUT:-.serverless}"
sls=node_modules/.bin/serverless

if [[ ! -x "$sls" ]]; then
	echo "sls-package: $sls is missing: run 'npm ci' first" >&2
	exit 1
fi

missing=()
while read -r artifact; do
	[[ "$artifact" == *'${'* ]] && continue # a variable: the framework resolves and checks it
	[[ -f "$artifact" ]] || missing+=("$artifact")
done < <(sed -n 's/^[[:space:]]*artifact:[[:space:]]*\([^[:space:]#]*\).*/\1/p' serverless.yml)
if ((${#missing[@]} > 0)); then
	echo "sls-package: missing function artifacts: ${missing[*]}" >&2
	echo "sls-package: run 'make build' first" >&2
	exit 1
fi

# `package` needs no AWS account. Dummy credentials (and no profile) make sure
# nothing can reach a real one by accident; the rest keeps the framework from
# phoning home or prompting.
export AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
export SLS_TELEMETRY_DISABLED=1 SLS_TRACKING_DISABLED=1 SLS_NOTIFICATIONS_MODE=off SLS_INTERACTIVE_SETUP_DISABLE=1 CI=1

rm -rf "$out"
"$sls" package --stage "$stage" --package "$out" "$@"
echo "sls-package: wrote $out/cloudformation-template-update-stack.json (stage $stage)"
