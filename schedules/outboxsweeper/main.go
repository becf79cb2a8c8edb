// Command outboxsweeper is the scheduled Lambda that republishes the events
// a failed publish left in the outbox.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/outboxsweeper"
)

func main() { lambdafn.Main(outboxsweeper.OutboxSweeper()) }
