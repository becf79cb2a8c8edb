//go:build unix

package lambdatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	awsevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/authsessions"
	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/lambdafn/lambdafntest"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/outboxsweeper"
	"github.com/eventboard/eventboard/internal/post"
	"github.com/eventboard/eventboard/internal/postapi"
	"github.com/eventboard/eventboard/internal/postwrites"
	"github.com/eventboard/eventboard/internal/statsapi"
)

// measureRuns is how many times each route is invoked to measure it.
const measureRuns = 30

// Measurement is what one route or one event costs: the DynamoDB capacity
// units it consumed per invocation (as DynamoDB Local reports them, which
// sizes items as DynamoDB does), and the handler's duration.
type Measurement struct {
	ReadUnits  float64 `json:"readUnits"`
	WriteUnits float64 `json:"writeUnits"`
	Calls      float64 `json:"dynamodbCalls"`
	// InProcessP50ms and InProcessP90ms: through the function's entry
	// point, as lambdafn.Main hands it to lambda.Start, on DynamoDB Local.
	InProcessP50ms float64 `json:"inProcessP50ms"`
	InProcessP90ms float64 `json:"inProcessP90ms"`
	// RIEP50ms: the bootstrap invoked under AWS's runtime interface
	// emulator (the Invoke round trip), for the routes measured there.
	RIEP50ms float64 `json:"riep50ms,omitempty"`
}

// TestMeasureDynamoDBLocal measures the capacity and the duration of every
// route the cost model prices, and of the counter worker per event, on
// DynamoDB Local; with LAMBDA_RIE set, the posts routes' bootstraps under
// the emulator too. `make bench` writes the figures to
// EVENTBOARD_MEASURE_OUT (docs/measurements.json), which cmd/costmodel
// prices. As a test it asserts that every call reports its capacity.
func TestMeasureDynamoDBLocal(t *testing.T) {
	endpoint := os.Getenv("DYNAMODB_LOCAL_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("REQUIRE_DYNAMODB_LOCAL") != "" {
			t.Fatal("REQUIRE_DYNAMODB_LOCAL is set but DYNAMODB_LOCAL_ENDPOINT is not")
		}
		t.Skip("DYNAMODB_LOCAL_ENDPOINT not set; `make test` runs this tier")
	}
	ctx := context.Background()
	m, err := manifest.Load(moduleRoot+"/serverless.yml", manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	db := dynamoDBClient(endpoint)
	tables := newTables(t, m, db)
	// build builds a function as its main.go does, on DynamoDB Local, with
	// the calls it makes elsewhere answered in the process (fakes).
	build := func(fn lambdafn.Function) lambda.Handler {
		def, ok := m.Function(fn.Name)
		if !ok {
			t.Fatalf("serverless.yml declares no %s", fn.Name)
		}
		env := tables.env(t, def)
		env["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
		return lambdafntest.Build(t, fn, env, fakes)()
	}

	// A post as people write them: a title and about 500 characters.
	// version 0 is a create's body; an update names the version it edits.
	body := func(version int) string {
		fields := map[string]any{"title": "A post of a usual size", "content": strings.Repeat("Lorem ipsum dolor sit amet. ", 18)}
		if version > 0 {
			fields["version"] = version
		}
		b, _ := json.Marshal(fields)
		return string(b)
	}
	var ids []string
	created := func(resp []byte) {
		var r awsevents.APIGatewayV2HTTPResponse
		var p post.Post
		if json.Unmarshal(resp, &r) != nil || r.StatusCode != http.StatusCreated || json.Unmarshal([]byte(r.Body), &p) != nil {
			t.Fatalf("create: %s", resp)
		}
		ids = append(ids, p.ID)
	}
	seedCounters(t, db, tables.byLogical["CounterTable"])
	results := map[string]Measurement{}
	// Creates first: the others need 2×measureRuns posts (one each to
	// update and to delete), and a full page to list.
	create := build(postwrites.CreatePost())
	results["POST /api/posts"] = measure(t, create, measureRuns, func(int) []byte { return event(t, "create-post.json", "", body(0)) }, created)
	for range measureRuns {
		resp, err := create.Invoke(ctx, event(t, "create-post.json", "", body(0)))
		if err != nil {
			t.Fatal(err)
		}
		created(resp)
	}
	results["GET /api/posts"] = measure(t, build(postapi.ListPosts()), measureRuns, func(int) []byte { return listPage(t) }, wantStatusOf(t, http.StatusOK))
	results["GET /api/posts/{id}"] = measure(t, build(postapi.GetPost()), measureRuns, func(i int) []byte { return event(t, "get-post.json", ids[i], "") }, wantStatusOf(t, http.StatusOK))
	results["PUT /api/posts/{id}"] = measure(t, build(postwrites.UpdatePost()), measureRuns, func(i int) []byte { return event(t, "update-post.json", ids[i], body(1)) }, wantStatusOf(t, http.StatusOK))
	results["DELETE /api/posts/{id}"] = measure(t, build(postwrites.DeletePost()), measureRuns, func(i int) []byte { return event(t, "delete-post.json", ids[measureRuns+i], "") }, wantStatusOf(t, http.StatusNoContent))
	results["GET /api/stats"] = measure(t, build(statsapi.GetStats()), measureRuns, func(int) []byte { return fixtureOf(t, "statsapi", "get-stats.json") }, wantStatusOf(t, http.StatusOK))
	results["GET /api/myinfo"] = measure(t, build(authsessions.MyInfo()), measureRuns, func(int) []byte { return fixtureOf(t, "authapi", "myinfo.json") }, wantStatusOf(t, http.StatusOK))
	results["outboxSweeper run"] = measure(t, build(outboxsweeper.OutboxSweeper()), measureRuns, func(int) []byte { return []byte(`{}`) }, func([]byte) {})
	// The worker, per event: batches of one PostCreated (as a quiet queue
	// brings them) and of ten (as a busy one does).
	worker := build(counterworker.CounterWorker())
	for _, size := range []int{1, 10} {
		batch := measure(t, worker, measureRuns, func(int) []byte { return counterBatch(t, size) }, func(resp []byte) {
			if !bytes.Contains(resp, []byte(`"batchItemFailures":[]`)) {
				t.Fatalf("worker: %s", resp)
			}
		})
		n := float64(size)
		batch.ReadUnits, batch.WriteUnits, batch.Calls = batch.ReadUnits/n, batch.WriteUnits/n, batch.Calls/n
		results[fmt.Sprintf("counterWorker per event, batches of %d", size)] = batch
	}

	for name, r := range results {
		if r.Calls > 0 && r.ReadUnits+r.WriteUnits == 0 {
			t.Errorf("%s: %v DynamoDB calls reported no consumed capacity", name, r.Calls)
		}
	}
	if rie := os.Getenv("LAMBDA_RIE"); rie != "" {
		measureUnderRIE(t, rie, m, tables, endpoint, results, ids[:measureRuns], body)
	}
	for name, r := range results {
		t.Logf("%-26s %5.2f RRU %5.2f WRU %4.1f calls  p50 %6.2f ms  p90 %6.2f ms  RIE p50 %6.2f ms", name, r.ReadUnits, r.WriteUnits, r.Calls, r.InProcessP50ms, r.InProcessP90ms, r.RIEP50ms)
	}
	if out := os.Getenv("EVENTBOARD_MEASURE_OUT"); out != "" {
		b, err := json.MarshalIndent(map[string]any{
			"measured": time.Now().UTC().Format(time.DateOnly),
			"runs":     measureRuns,
			"routes":   results,
		}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// measure invokes the entry point h runs times with the payloads of
// payload, hands each response to check, and returns the mean units and
// calls and the duration percentiles.
func measure(t *testing.T, h lambda.Handler, runs int, payload func(i int) []byte, check func(resp []byte)) Measurement {
	t.Helper()
	var m Measurement
	durations := make([]float64, 0, runs)
	for i := range runs {
		in := payload(i)
		ctx, tally := dynamo.WithTally(context.Background())
		start := time.Now()
		resp, err := h.Invoke(ctx, in)
		durations = append(durations, float64(time.Since(start).Microseconds())/1000)
		if err != nil {
			t.Fatalf("invoke: %v", err)
		}
		check(resp)
		u, calls := tally.Units()
		m.ReadUnits += u.Read / float64(runs)
		m.WriteUnits += u.Write / float64(runs)
		m.Calls += float64(calls) / float64(runs)
	}
	m.InProcessP50ms, m.InProcessP90ms = percentile(durations, 50), percentile(durations, 90)
	return m
}

// listPage is GET /api/posts for a page of 20, as the SPA asks for it.
func listPage(t *testing.T) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(event(t, "list-posts.json", "", ""), &ev); err != nil {
		t.Fatal(err)
	}
	ev["rawQueryString"] = "limit=20"
	ev["queryStringParameters"] = map[string]any{"limit": "20"}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// measureUnderRIE times the posts routes' bootstraps under the emulator.
func measureUnderRIE(t *testing.T, rie string, m *manifest.Manifest, ts tables, endpoint string, results map[string]Measurement, ids []string, body func(int) string) {
	t.Helper()
	names := []string{"createPost", "listPosts", "getPost", "updatePost"}
	dirs := buildBootstraps(t, names...)
	bus := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// EventBridge's PutEvents, accepting the one entry a post sends.
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprintf(w, `{"Entries":[{"EventId":%q}],"FailedEntryCount":0}`, uuid.NewString())
	}))
	t.Cleanup(bus.Close)
	fns := map[string]*function{}
	for _, c := range names {
		def, _ := m.Function(c)
		env := ts.env(t, def)
		env["AWS_ENDPOINT_URL_EVENTBRIDGE"] = bus.URL
		fns[c] = startFunction(t, rie, c, dirs[c], functionEnv(def, env, dirs[c], endpoint))
		fns[c].invoke(t, listPage(t)) // the cold start is not what is measured
	}
	timed := func(route, name string, payload func(i int) []byte) {
		var durations []float64
		for i := range measureRuns {
			in := payload(i)
			start := time.Now()
			fns[name].invoke(t, in)
			durations = append(durations, float64(time.Since(start).Microseconds())/1000)
		}
		r := results[route]
		r.RIEP50ms = percentile(durations, 50)
		results[route] = r
	}
	timed("POST /api/posts", "createPost", func(int) []byte { return event(t, "create-post.json", "", body(0)) })
	timed("GET /api/posts", "listPosts", func(int) []byte { return listPage(t) })
	timed("GET /api/posts/{id}", "getPost", func(i int) []byte { return event(t, "get-post.json", ids[i], "") })
	// The in-process run left these at version 2.
	timed("PUT /api/posts/{id}", "updatePost", func(i int) []byte { return event(t, "update-post.json", ids[i], body(2)) })
}

// seedCounters writes every shard of the counters the stats and myinfo
// routes read, as a month of posting leaves them, and folds the closed days
// as the counter worker does once a day: DynamoDB Local reports no capacity
// for a key it does not find, where DynamoDB bills the minimum.
func seedCounters(t *testing.T, db *dynamodb.Client, table string) {
	t.Helper()
	names := []string{counter.Posts, counter.Users, counter.AuthorPosts(aliceSub)}
	for d := range counter.StatsDays {
		names = append(names, counter.DayPosts(time.Now().AddDate(0, 0, -d)))
	}
	var writes []ddbtypes.WriteRequest
	flush := func() {
		if len(writes) == 0 {
			return
		}
		if _, err := db.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{table: writes}}); err != nil {
			t.Fatalf("seed counters: %v", err)
		}
		writes = nil
	}
	for _, name := range names {
		for s := range 8 {
			key := name
			if s > 0 {
				key = fmt.Sprintf("%s#s%d", name, s)
			}
			writes = append(writes, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{
				"name": &ddbtypes.AttributeValueMemberS{Value: key}, "value": &ddbtypes.AttributeValueMemberN{Value: "3"},
			}}})
			if len(writes) == 25 {
				flush()
			}
		}
	}
	flush()
	counters, err := dynamo.NewCounters(db, table, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := counters.FoldClosedDays(context.Background()); err != nil {
		t.Fatalf("fold the seeded counters: %v", err)
	}
}

func percentile(values []float64, p int) float64 {
	s := slices.Clone(values)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func wantStatusOf(t *testing.T, status int) func([]byte) {
	return func(resp []byte) {
		t.Helper()
		var r awsevents.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(resp, &r); err != nil || r.StatusCode != status {
			t.Fatalf("response %s, want status %d", resp, status)
		}
	}
}

// fixtureOf is an API Gateway event from package pkg's testdata.
func fixtureOf(t *testing.T, pkg, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("%s/internal/%s/testdata/%s", moduleRoot, pkg, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// counterBatch is an SQS batch of n distinct PostCreated events.
func counterBatch(t *testing.T, n int) []byte {
	t.Helper()
	var ev awsevents.SQSEvent
	now := time.Now().UTC()
	for i := range n {
		id := uuid.Must(uuid.NewV7()).String()
		e, err := events.New(events.PostCreated{
			PostID: uuid.Must(uuid.NewV7()).String(), AuthorID: uuid.NewString(), AuthorName: "writer",
			Title: "measured", CreatedAt: now, Version: 1,
		}, events.Metadata{EventID: id, OccurredAt: now, CorrelationID: id, Producer: "eventboard.test"})
		if err != nil {
			t.Fatal(err)
		}
		detail, _ := e.Detail()
		body, _ := json.Marshal(map[string]any{
			"version": "0", "id": id, "detail-type": e.DetailType(), "source": e.Source(),
			"account": "000000000000", "time": now.Format(time.RFC3339), "region": "us-east-1",
			"resources": []string{}, "detail": json.RawMessage(detail),
		})
		ev.Records = append(ev.Records, awsevents.SQSMessage{MessageId: fmt.Sprint("m", i), Body: string(body), EventSource: "aws:sqs",
			Attributes: map[string]string{"ApproximateReceiveCount": "1"}})
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakes is an SDK API option that answers, before they leave the process,
// the calls a measured function makes to services other than DynamoDB:
// what they cost is priced by the cost model, not measured here. Cognito's
// GetUser answers for the fixtures' caller; EventBridge accepts every event.
func fakes(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("measureFakes", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		switch call := in.Parameters.(type) {
		case *cip.GetUserInput:
			return middleware.InitializeOutput{Result: userPoolGetUser()}, middleware.Metadata{}, nil
		case *eventbridge.PutEventsInput:
			return middleware.InitializeOutput{Result: acceptingBus(call)}, middleware.Metadata{}, nil
		}
		return next.HandleInitialize(ctx, in)
	}), middleware.Before)
}

// userPoolGetUser is Cognito's answer to GetUser for the fixtures' caller.
func userPoolGetUser() *cip.GetUserOutput {
	attr := func(name, value string) ciptypes.AttributeType {
		return ciptypes.AttributeType{Name: aws.String(name), Value: aws.String(value)}
	}
	return &cip.GetUserOutput{Username: aws.String(aliceName), UserAttributes: []ciptypes.AttributeType{
		attr("sub", aliceSub), attr("email", "alice@example.com"), attr("email_verified", "true"),
	}}
}

// acceptingBus is EventBridge's answer to PutEvents accepting every entry.
func acceptingBus(in *eventbridge.PutEventsInput) *eventbridge.PutEventsOutput {
	out := &eventbridge.PutEventsOutput{}
	for range in.Entries {
		out.Entries = append(out.Entries, ebtypes.PutEventsResultEntry{EventId: aws.String(uuid.NewString())})
	}
	return out
}
