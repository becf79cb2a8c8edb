package counterworker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	awsevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/lambdafn/lambdafntest"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// contentionEvents is how many distinct events each level of
// TestContentionDynamoDBLocal counts; a few more messages carry duplicates.
// 1,000 contend enough to prove the counters right in `make test`; `make
// bench` sets EVENTBOARD_CONTENTION_EVENTS=5000 for the throughput it
// reports.
func contentionEvents(t *testing.T) int {
	t.Helper()
	v := os.Getenv("EVENTBOARD_CONTENTION_EVENTS")
	if v == "" {
		return 1000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 100 {
		t.Fatalf("EVENTBOARD_CONTENTION_EVENTS = %q, want a whole number of at least 100", v)
	}
	return n
}

// maxReceiveCount is the counter queue's redrive policy in serverless.yml.
const maxReceiveCount = 5

// TestContentionDynamoDBLocal runs the worker as Lambda does under a burst:
// 1, 5 and 10 batch handlers at once draining one queue of events
// (and duplicates of some), on DynamoDB Local with DynamoDB's transaction
// conflicts injected (see conflicts). A failed message comes back until its
// fifth receive, then goes to the DLQ. The counters must equal the truth
// and the DLQ must stay empty; the conflicts and redeliveries are logged.
func TestContentionDynamoDBLocal(t *testing.T) {
	endpoint := dynamoDBLocalEndpoint(t)
	events := contentionEvents(t)
	for _, handlers := range []int{1, 5, 10} {
		// One level at a time: each measures its own contention.
		t.Run(fmt.Sprint(handlers, "handlers"), func(t *testing.T) {
			conflicts := newConflicts()
			db := dynamodb.NewFromConfig(emulator.Config(), func(o *dynamodb.Options) {
				o.BaseEndpoint = aws.String(endpoint)
			})
			env := map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": endpoint}
			createTables(t, db, env, "CounterTable", "ProcessedEventsTable")
			entry := lambdafntest.Build(t, counterworker.CounterWorker(), env, conflicts.install)
			messages, truth := burst(t, rand.New(rand.NewPCG(uint64(handlers), 10)), events)
			q := newQueue(messages)

			start := time.Now()
			var wg sync.WaitGroup
			for range handlers {
				wg.Go(func() {
					// One execution environment: its own entry point.
					h := entry()
					for {
						batch := q.receive(10)
						if batch == nil {
							return
						}
						q.settle(batch, invokeBatch(t, h, batch))
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)

			reader, err := dynamo.NewCounters(db, env["COUNTER_TABLE"], "")
			if err != nil {
				t.Fatal(err)
			}
			names := make([]string, 0, len(truth))
			for name := range truth {
				names = append(names, name)
			}
			got, err := reader.Get(context.Background(), names...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(truth, got); diff != "" {
				t.Errorf("counters (-truth +got):\n%s", diff)
			}
			if n := len(q.dlq); n != 0 {
				t.Errorf("%d messages in the DLQ, want 0", n)
			}
			t.Logf("%d handlers: %d messages in %v (%.0f events/s); %d transactions, %d cancelled by a conflict; %d redeliveries; %d in the DLQ",
				handlers, len(messages), elapsed.Round(time.Millisecond), float64(events)/elapsed.Seconds(),
				conflicts.calls.Load(), conflicts.cancelled.Load(), q.redeliveries, len(q.dlq))
			if handlers > 1 && conflicts.cancelled.Load() == 0 {
				t.Errorf("no transaction conflicted at %d handlers: the test did not contend", handlers)
			}
		})
	}
}

func dynamoDBLocalEndpoint(t *testing.T) string {
	t.Helper()
	endpoint := os.Getenv("DYNAMODB_LOCAL_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("REQUIRE_DYNAMODB_LOCAL") != "" {
			t.Fatal("REQUIRE_DYNAMODB_LOCAL is set but DYNAMODB_LOCAL_ENDPOINT is not")
		}
		t.Skip("DYNAMODB_LOCAL_ENDPOINT not set; `make test` runs this tier")
	}
	return endpoint
}

// invokeBatch calls the worker through its Lambda entry point and returns
// the ids of the messages it reported failed.
func invokeBatch(t *testing.T, h lambda.Handler, batch []awsevents.SQSMessage) map[string]bool {
	t.Helper()
	payload, err := json.Marshal(awsevents.SQSEvent{Records: batch})
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	out, err := h.Invoke(context.Background(), payload)
	if err != nil {
		// The whole batch comes back, as SQS does when the function fails.
		for _, m := range batch {
			failed[m.MessageId] = true
		}
		return failed
	}
	var resp awsevents.SQSEventResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Errorf("response %s: %v", out, err)
	}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	return failed
}

// burst returns the messages of n distinct events as a burst of posting
// brings them (80% PostCreated by 40 authors today and yesterday, 10%
// PostDeleted of posts of the last 30 days, 10% UserConfirmed), with one in
// fifty delivered twice in separate messages, shuffled; and the counters
// they must come to. The days are the worker's: today's and yesterday's
// counters are written on every shard, older days' on one.
func burst(t *testing.T, r *rand.Rand, n int) ([]awsevents.SQSMessage, map[string]int64) {
	t.Helper()
	authors := make([]string, 40)
	for i := range authors {
		authors[i] = uuid.NewString()
	}
	now := time.Now().UTC()
	var deltas []counter.Delta
	var messages []awsevents.SQSMessage
	for i := range n {
		author := authors[r.IntN(len(authors))]
		created := now.AddDate(0, 0, -r.IntN(2))
		eventID := uuid.Must(uuid.NewV7()).String()
		var data events.Data
		var body string
		switch p := r.IntN(10); {
		case p < 8:
			d := events.PostCreated{PostID: uuid.Must(uuid.NewV7()).String(), AuthorID: author, AuthorName: "writer", Title: "burst", CreatedAt: created, Version: 1}
			data, body = d, eventBody(t, d, eventID)
		case p < 9:
			d := events.PostDeleted{PostID: uuid.Must(uuid.NewV7()).String(), AuthorID: author, CreatedAt: now.AddDate(0, 0, -r.IntN(30)), DeletedAt: now, Version: 1}
			data, body = d, eventBody(t, d, eventID)
		default:
			d := events.UserConfirmed{UserID: author, Username: "writer" + strconv.Itoa(i), ConfirmedAt: now}
			data, body = d, eventBody(t, d, eventID)
		}
		d, err := counter.Deltas(data)
		if err != nil {
			t.Fatal(err)
		}
		deltas = append(deltas, d...)
		messages = append(messages, message(len(messages), body))
		if r.IntN(50) == 0 {
			messages = append(messages, message(len(messages), body))
		}
	}
	r.Shuffle(len(messages), func(i, j int) { messages[i], messages[j] = messages[j], messages[i] })
	truth := map[string]int64{}
	for _, d := range deltas {
		truth[d.Name] += d.By
	}
	return messages, truth
}

func message(i int, body string) awsevents.SQSMessage {
	return awsevents.SQSMessage{MessageId: fmt.Sprint("m", i), Body: body, EventSource: "aws:sqs"}
}

// eventBody is data as EventBridge delivers it to the counter queue.
func eventBody[D events.Data](t *testing.T, data D, eventID string) string {
	t.Helper()
	now := time.Now().UTC()
	e, err := events.New(data, events.Metadata{EventID: eventID, OccurredAt: now, CorrelationID: eventID, Producer: "eventboard.test"})
	if err != nil {
		t.Fatal(err)
	}
	detail, err := e.Detail()
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{
		"version": "0", "id": uuid.NewString(), "detail-type": e.DetailType(), "source": e.Source(),
		"account": "000000000000", "time": now.Format(time.RFC3339), "region": "us-east-1",
		"resources": []string{}, "detail": json.RawMessage(detail),
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// queue is the counter queue as the worker meets it: a received message is
// invisible until its batch is settled; a failed one comes back (at once:
// the visibility timeout is not what is under test) until its
// maxReceiveCount-th receive, after which it moves to the DLQ.
type queue struct {
	mu           sync.Mutex
	cond         *sync.Cond
	ready        []awsevents.SQSMessage
	inFlight     int
	receives     map[string]int
	dlq          []awsevents.SQSMessage
	redeliveries int
}

func newQueue(messages []awsevents.SQSMessage) *queue {
	q := &queue{ready: messages, receives: map[string]int{}}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// receive returns up to max messages, waiting while others are in flight,
// and nil once every message is deleted or in the DLQ.
func (q *queue) receive(max int) []awsevents.SQSMessage {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.ready) == 0 && q.inFlight > 0 {
		q.cond.Wait()
	}
	if len(q.ready) == 0 {
		return nil
	}
	n := min(max, len(q.ready))
	batch := make([]awsevents.SQSMessage, n)
	copy(batch, q.ready[:n])
	q.ready = q.ready[n:]
	q.inFlight += n
	for i := range batch {
		q.receives[batch[i].MessageId]++
		batch[i].Attributes = map[string]string{"ApproximateReceiveCount": strconv.Itoa(q.receives[batch[i].MessageId])}
	}
	return batch
}

// settle deletes the batch's messages but the failed ones, which come back
// or move to the DLQ.
func (q *queue) settle(batch []awsevents.SQSMessage, failed map[string]bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, m := range batch {
		q.inFlight--
		if !failed[m.MessageId] {
			continue
		}
		if q.receives[m.MessageId] >= maxReceiveCount {
			q.dlq = append(q.dlq, m)
			continue
		}
		q.redeliveries++
		q.ready = append(q.ready, m)
	}
	q.cond.Broadcast()
}
