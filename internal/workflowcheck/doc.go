// Package workflowcheck holds the tests that keep the repository's own
// files to its rules. The GitHub workflows under .github/workflows follow
// the deployment rules: a deploy starts only from a commit CI passed, every
// action is pinned by commit SHA, a dispatched stage is one of a fixed
// list, runs are serialized by concurrency groups, and Node is a maintained
// release; actionlint (make lint) checks their syntax, this the policy. And
// README.md's "What is where" map names every folder at the top of the tree
// and under internal/, so a newcomer finds each one there. It has no code
// of its own.
package workflowcheck
