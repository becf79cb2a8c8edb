// Package dynamo holds the DynamoDB adapters (aws-sdk-go-v2): each type
// implements the port its consumer declares, on the table serverless.yml
// declares for it, and names the table and item layout in its doc.
//
// The Counter table (Counters), keyed by name with a number in value, is
// the one whose layout readers depend on:
//
//	posts, users, posts#author#<sub>     a counter's shard 0; shards 1..7
//	posts#day#<yyyy-mm-dd>               are <name>#s1 .. <name>#s7
//	folded#posts#day                     the fold marker: from, through
//
// A counter is the sum of its 8 shards, which spread concurrent
// transactions. A day counter is sharded only while its day is open (today
// and yesterday, UTC): a closed day is written on shard 0, and
// Counters.FoldClosedDays moves its other shards there and records the
// folded days in the marker, so a reader needs one item per closed day the
// marker covers. docs/event-pipeline.md ("Counters") tells the whole story.
package dynamo
