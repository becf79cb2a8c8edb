package inmem_test

import (
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/counter/countertest"
	"github.com/eventboard/eventboard/internal/inmem"
)

// The in-memory store the handler tests use is held to the same contract
// as the DynamoDB one (internal/dynamo runs it on kumo and DynamoDB Local).
func TestCountersContract(t *testing.T) {
	t.Parallel()
	countertest.RunStoreContract(t, func(_ *testing.T, now func() time.Time) countertest.Store {
		return inmem.NewCounters(inmem.CountersClock(now))
	})
}
