// Package dlq is the operators' tool for dead-letter queues: it finds every
// DLQ of a stage and where its messages belong as SQS and EventBridge
// report them (Discover), or as serverless.yml declares them
// (FromManifest, which the command uses as a cross-check), peeks at and
// exports their messages without removing them, and replays them to where
// they should have gone without ever losing one.
//
// Two kinds of DLQ exist. A queue DLQ holds the messages a worker failed
// maxReceiveCount times (SQS redrive); they replay to the queue they came
// from. A rule DLQ holds the events an EventBridge rule could not deliver
// to its target, with EventBridge's error attributes; they replay to the
// rule's target queue, in the shape EventBridge delivers them, and not back
// onto the bus, so other subscribers see no duplicates.
//
// Every replayed message is sent and confirmed before it is deleted: a
// crash at any point can leave a message both delivered and still in the
// DLQ, never neither. Consumers absorb the duplicate: they apply each event
// once, by metadata.eventId.
//
// The package talks to SQS and EventBridge through the small interfaces it
// declares, which *sqs.Client and *eventbridge.Client satisfy, the same
// against AWS and against the local stack. The command line over it is
// package dlqcmd.
package dlq
