package apigw_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/eventboard/eventboard/internal/local/apigw"
)

func throttledGateway(t *testing.T, inv *recorder) *apigw.Gateway {
	t.Helper()
	gw, err := apigw.New(apigw.Config{
		Routes: []apigw.Route{
			{Method: "GET", Path: "/api/things/{id}", Function: "getThing"},
			{Method: "POST", Path: "/api/auth/login", Function: "login", Throttle: &apigw.Throttle{Rate: 0.5, Burst: 2}},
		},
		Invoker:         inv,
		DefaultThrottle: &apigw.Throttle{Rate: 1000, Burst: 50},
	})
	if err != nil {
		t.Fatal(err)
	}
	return gw
}

// No throttling anywhere: 2,000 wrong codes in 5.5 s. The local gateway now
// enforces serverless.yml's token buckets as API Gateway does: per route,
// the route's settings over the stage's default, a 429 in the app's error
// shape with Retry-After.
func TestGatewayThrottlesLikeAPIGateway(t *testing.T) {
	t.Parallel()
	inv := &recorder{reply: answer(200, "{}")}
	gw := throttledGateway(t, inv)
	var statuses []int
	var last *httptest.ResponseRecorder
	for range 5 {
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{}`)))
		statuses = append(statuses, w.Code)
		last = w
	}
	if want := []int{200, 200, 429, 429, 429}; !equal(statuses, want) {
		t.Fatalf("login statuses %v, want %v (a burst of 2)", statuses, want)
	}
	var body struct{ Code, Message, RequestID string }
	if err := json.Unmarshal(last.Body.Bytes(), &body); err != nil || body.Code != "TOO_MANY_REQUESTS" || body.RequestID == "" || body.Message == "" {
		t.Errorf("429 body %s", last.Body)
	}
	if s, err := strconv.Atoi(last.Header().Get("Retry-After")); err != nil || s < 1 || s > 2 {
		t.Errorf("Retry-After = %q, want the 2 s a token takes at 0.5/s", last.Header().Get("Retry-After"))
	}
	// Another route has its own bucket, the stage's.
	for i := range 20 {
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, httptest.NewRequest("GET", "/api/things/1", nil))
		if w.Code != 200 {
			t.Fatalf("GET %d: %d", i, w.Code)
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Headers over API Gateway's 10 KB (a 134 KB token was accepted), a body
// read before the route was authorized, and Apigw-Requestid only on the
// gateway's own answers.
func TestGatewayEnforcesAPIGatewayLimitsAndRequestID(t *testing.T) {
	t.Parallel()
	t.Run("headers over 10 KB", func(t *testing.T) {
		t.Parallel()
		inv := &recorder{reply: answer(200, "")}
		req := httptest.NewRequest("GET", "/api/things/1", nil)
		req.Header.Set("Authorization", "Bearer "+strings.Repeat("a", 134<<10))
		w := httptest.NewRecorder()
		newGateway(t, inv).ServeHTTP(w, req)
		if w.Code != http.StatusRequestHeaderFieldsTooLarge || inv.fn != "" {
			t.Errorf("status %d, invoked %q", w.Code, inv.fn)
		}
	})
	t.Run("body not read before authorization", func(t *testing.T) {
		t.Parallel()
		inv := &recorder{reply: answer(201, "")}
		body := &countingReader{r: strings.NewReader(strings.Repeat("x", 9<<20))}
		req := httptest.NewRequest("POST", "/api/things", body)
		w := httptest.NewRecorder()
		newGateway(t, inv).ServeHTTP(w, req)
		if w.Code != 401 || body.n != 0 {
			t.Errorf("status %d after reading %d bytes of an unauthorized body", w.Code, body.n)
		}
	})
	t.Run("request id on the function's answers", func(t *testing.T) {
		t.Parallel()
		inv := &recorder{reply: answer(200, "ok")}
		w := httptest.NewRecorder()
		newGateway(t, inv).ServeHTTP(w, httptest.NewRequest("GET", "/api/things/1", nil))
		if w.Code != 200 || w.Header().Get("Apigw-Requestid") == "" || w.Header().Get("Apigw-Requestid") != inv.last.RequestContext.RequestID {
			t.Errorf("status %d, Apigw-Requestid %q, event's request id %q", w.Code, w.Header().Get("Apigw-Requestid"), inv.last.RequestContext.RequestID)
		}
	})
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// The payload limit is on the event's JSON, not the body: a body that
// fits but whose escapes (six bytes for a control character) take the
// event over the limit is refused before the function runs, and one just
// as long that needs no escapes is not.
func TestEventJSONOverThePayloadLimitIsRefused(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	for _, tc := range []struct {
		name   string
		body   string
		status int
	}{
		{"plain body that fits", strings.Repeat("x", 300<<10), 200},
		{"escaped body over the limit", strings.Repeat("\x01", 300<<10), 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inv := &recorder{reply: answer(200, "")}
			gw, err := apigw.New(apigw.Config{
				Routes:          []apigw.Route{{Method: "POST", Path: "/api/things", Function: "createThing"}},
				Invoker:         inv,
				MaxPayloadBytes: limit,
			})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("POST", "/api/things", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "text/plain")
			w := httptest.NewRecorder()
			gw.ServeHTTP(w, req)
			if w.Code != tc.status || (tc.status == 413) != (inv.fn == "") {
				t.Errorf("status %d, invoked %q; want %d", w.Code, inv.fn, tc.status)
			}
			if tc.status == 200 && inv.last.Body != tc.body {
				t.Errorf("the function got a body of %d bytes, want %d", len(inv.last.Body), len(tc.body))
			}
		})
	}
}
