// Package lambdatest runs the deployed Lambda binaries as Lambda runs them:
// each api/* command is built as a bootstrap and started under AWS's runtime
// interface emulator (RIE), against DynamoDB Local, and invoked with real API
// Gateway events. It holds tests only.
//
// The tests skip unless LAMBDA_RIE names the aws-lambda-rie binary and
// DYNAMODB_LOCAL_ENDPOINT names a DynamoDB Local; REQUIRE_LAMBDA_RIE=1 turns
// the skip into a failure. `make test` runs them inside
// scripts/dynamodb-local.sh.
package lambdatest
