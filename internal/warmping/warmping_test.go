package warmping_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/warmping"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		want    warmping.Ping
		ok      bool
	}{
		{"a ping", `{"warmup":"eventboard.warmer","concurrency":3,"index":2}`, warmping.Ping{Warmup: warmping.Marker, Concurrency: 3, Index: 2}, true},
		{"keys in any order, spaces", ` { "index": 0, "concurrency": 1, "warmup": "eventboard.warmer" } `, warmping.Ping{Warmup: warmping.Marker, Concurrency: 1, Index: 0}, true},
		{"what Payload makes", string(warmping.Payload(2, 1)), warmping.Ping{Warmup: warmping.Marker, Concurrency: 2, Index: 1}, true},
		{"another marker", `{"warmup":"serverless-plugin-warmup","concurrency":1,"index":0}`, warmping.Ping{}, false},
		{"a key missing", `{"warmup":"eventboard.warmer","concurrency":1}`, warmping.Ping{}, false},
		{"an extra key", `{"warmup":"eventboard.warmer","concurrency":1,"index":0,"body":"x"}`, warmping.Ping{}, false},
		{"a key twice", `{"warmup":"eventboard.warmer","concurrency":1,"index":0,"index":0}`, warmping.Ping{}, false},
		{"a key in another case", `{"Warmup":"eventboard.warmer","concurrency":1,"index":0}`, warmping.Ping{}, false},
		{"index out of range", `{"warmup":"eventboard.warmer","concurrency":2,"index":2}`, warmping.Ping{}, false},
		{"no concurrency", `{"warmup":"eventboard.warmer","concurrency":0,"index":0}`, warmping.Ping{}, false},
		{"too much concurrency", `{"warmup":"eventboard.warmer","concurrency":51,"index":0}`, warmping.Ping{}, false},
		{"a string for a number", `{"warmup":"eventboard.warmer","concurrency":"1","index":0}`, warmping.Ping{}, false},
		{"two objects", `{"warmup":"eventboard.warmer","concurrency":1,"index":0}{}`, warmping.Ping{}, false},
		{"an array", `[{"warmup":"eventboard.warmer","concurrency":1,"index":0}]`, warmping.Ping{}, false},
		{"not JSON", `warmup eventboard.warmer`, warmping.Ping{}, false},
		{"empty", ``, warmping.Ping{}, false},
		{"a scheduled event", `{"version":"0","detail-type":"Scheduled Event","source":"aws.scheduler","detail":"{}"}`, warmping.Ping{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := warmping.Parse([]byte(tt.payload))
			if ok != tt.ok || got != tt.want {
				t.Errorf("Parse(%s) = %+v, %t; want %+v, %t", tt.payload, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// An HTTP request whose body is a ping, byte for byte, reaches the function
// inside API Gateway's envelope: it is a request, not a ping.
func TestParseHTTPRequestWithAPingBody(t *testing.T) {
	t.Parallel()
	for _, body := range []string{string(warmping.Payload(1, 0)), `{"warmup":"eventboard.warmer"}`} {
		payload := httpRequest(t, body)
		if p, ok := warmping.Parse(payload); ok {
			t.Errorf("an HTTP request with body %s parsed as ping %+v", body, p)
		}
	}
}

// httpRequest is the API Gateway event of testdata/create-post.json with
// body as its body.
func httpRequest(t *testing.T, body string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "create-post.json"))
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	req.Body = body
	out, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseReply(t *testing.T) {
	t.Parallel()
	want := warmping.Reply{Warmup: warmping.Marker, Function: "getPost", Environment: "e1", ColdStart: true}
	b, _ := json.Marshal(want)
	got, err := warmping.ParseReply(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseReply (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"statusCode":200}`, `null`, `{"warmup":"eventboard.warmer"}`, `nope`} {
		if _, err := warmping.ParseReply([]byte(bad)); err == nil {
			t.Errorf("ParseReply(%s): no error", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(warmping.Payload(3, 1))
	f.Add([]byte(`{"warmup":"eventboard.warmer","concurrency":1,"index":0,"x":1}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		p, ok := warmping.Parse(payload)
		if !ok {
			return
		}
		// Whatever parses is a well-formed ping, which round-trips.
		again, ok := warmping.Parse(warmping.Payload(p.Concurrency, p.Index))
		if !ok || again != p {
			t.Errorf("Parse(%q) = %+v, not a well-formed ping", payload, p)
		}
	})
}
