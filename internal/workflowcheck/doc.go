// Package workflowcheck holds the test that keeps the GitHub workflows under
// .github/workflows to the project's deployment rules: a deploy starts only
// from a commit CI passed, every action is pinned by commit SHA, a
// dispatched stage is one of a fixed list, runs are serialized by
// concurrency groups, and Node is a maintained release. It has no code of
// its own: actionlint (make lint) checks the syntax, this the policy.
package workflowcheck
