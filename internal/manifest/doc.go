// Package manifest reads serverless.yml, Eventboard's single source of truth
// for its functions, HTTP routes, JWT authorizer, CORS and DynamoDB tables,
// into Go types that the local stack, the deployment's tests (package cfn)
// and the operators' `eventboard dlq` consume. It is not dev-only code: it
// lives outside internal/local so that tools run against a deployed stage
// can read the file without linking the local stack.
//
// Parsing follows the Serverless Framework v3 as far as it can be followed
// offline. Variables are resolved the way the framework resolves them:
// ${sls:stage}, ${opt:stage, 'dev'}, ${opt:region}, ${self:path.to.value},
// ${param:name} (from Options.Params, then params.<stage>, then
// params.default), ${aws:region} and ${env:NAME}, nested and embedded in
// strings, with fallbacks. Variables that only AWS can answer
// (${aws:accountId}, ${ssm:…}, ${cf:…}, ${s3:…}, …) are left in the document as
// Unresolved values; they are an error (ErrNeedsAWS) only when a value the
// local stack needs depends on one. CloudFormation intrinsics (Ref,
// Fn::GetAtt, Fn::Join, …, also in their short !Tag form) are kept as raw
// values: maps with one "Ref", "Condition" or "Fn::…" key.
//
// The typed view (Manifest, Function, Route, CORS, Authorizer, Table) covers
// what the local stack needs today. Everything else stays reachable, resolved,
// through Manifest.Raw, Manifest.Resources and Function.Events, so that new
// event types and resources can be typed here without changing how the file
// is read.
package manifest
