// Command counter is the counter worker: it reads the counter queue and
// applies each event to the Counter table once, reporting the messages of a
// batch that failed.
package main

import (
	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(counterworker.CounterWorker()) }
