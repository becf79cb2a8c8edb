package statsapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/httpapi/httpapitest"
	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/statsapi"
)

var fixedNow = time.Date(2026, 11, 25, 9, 45, 0, 0, time.UTC)

func fixture(t testing.TB, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return req
}

// get answers req with a handler on counters, through its Lambda entry
// point.
func get(t testing.TB, counters counter.Reader, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()
	h, err := statsapi.New(counters, func() time.Time { return fixedNow }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return httpapitest.Invoke(t, h.Get, req)
}

// statsBody is the documented shape of the answer.
type statsBody struct {
	Totals struct {
		Posts int64 `json:"posts"`
		Users int64 `json:"users"`
	} `json:"totals"`
	PostsPerDay []struct {
		Date  string `json:"date"`
		Posts int64  `json:"posts"`
	} `json:"postsPerDay"`
}

func apply(t *testing.T, c *inmem.Counters, eventID string, deltas ...counter.Delta) {
	t.Helper()
	if r := c.ApplyBatch(context.Background(), []counter.Change{{EventID: eventID, Deltas: deltas}}, time.Hour); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	c := inmem.NewCounters()
	apply(t, c, "e1", counter.Delta{Name: "posts", By: 7}, counter.Delta{Name: "users", By: 3})
	apply(t, c, "e2", counter.Delta{Name: "posts#day#2026-11-25", By: 2})
	apply(t, c, "e3", counter.Delta{Name: "posts#day#2026-10-27", By: 4}) // the oldest day shown
	apply(t, c, "e4", counter.Delta{Name: "posts#day#2026-10-26", By: 1}) // a day too old
	apply(t, c, "e5", counter.Delta{Name: "posts#day#2026-11-01", By: 1})

	resp := get(t, c, fixture(t, "get-stats.json"))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	var got statsBody
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Totals.Posts != 7 || got.Totals.Users != 3 {
		t.Errorf("totals = %+v, want 7 posts, 3 users", got.Totals)
	}
	wantDays := map[string]int64{"2026-11-25": 2, "2026-10-27": 4, "2026-11-01": 1}
	if len(got.PostsPerDay) != 30 {
		t.Fatalf("%d days, want 30", len(got.PostsPerDay))
	}
	day := time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC)
	for i, d := range got.PostsPerDay {
		if want := day.AddDate(0, 0, i).Format("2006-01-02"); d.Date != want {
			t.Errorf("day %d is %s, want %s", i, d.Date, want)
		}
		if d.Posts != wantDays[d.Date] {
			t.Errorf("%s: %d posts, want %d", d.Date, d.Posts, wantDays[d.Date])
		}
	}
}

func TestStatsOfAnEmptyTable(t *testing.T) {
	t.Parallel()
	resp := get(t, inmem.NewCounters(), fixture(t, "get-stats.json"))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"posts": 0.0, "users": 0.0}, got["totals"]); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	days, _ := got["postsPerDay"].([]any)
	if len(days) != 30 {
		t.Fatalf("postsPerDay = %v, want 30 days", got["postsPerDay"])
	}
	if diff := cmp.Diff(map[string]any{"date": "2026-11-25", "posts": 0.0}, days[29]); diff != "" {
		t.Errorf("today (-want +got):\n%s", diff)
	}
}

// reads counts the reads; it fails them when err is set.
type reads struct {
	n   int
	err error
}

func (r *reads) Get(_ context.Context, names ...string) (map[string]int64, error) {
	r.n++
	return map[string]int64{}, r.err
}

func TestStatsIsOneRead(t *testing.T) {
	t.Parallel()
	r := &reads{}
	if resp := get(t, r, fixture(t, "get-stats.json")); resp.StatusCode != 200 || r.n != 1 {
		t.Errorf("status %d after %d reads, want 200 after 1", resp.StatusCode, r.n)
	}
}

func TestStatsStoreFailureIs500WithoutDetail(t *testing.T) {
	t.Parallel()
	resp := get(t, &reads{err: errors.New("dynamo.GetCounters: AccessDeniedException: secret detail")}, fixture(t, "get-stats.json"))
	if resp.StatusCode != 500 || strings.Contains(resp.Body, "secret") {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	var e struct{ Code, RequestID string }
	if err := json.Unmarshal([]byte(resp.Body), &e); err != nil || e.Code != "INTERNAL" || e.RequestID != "Sa1kIpBOwIUMjRY=" {
		t.Errorf("error body = %s", resp.Body)
	}
}
