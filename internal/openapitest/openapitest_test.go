package openapitest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/eventboard/eventboard/internal/openapitest"
)

const (
	postID   = "019abf10-8a2e-7c41-9d0e-3f6a1b2c3d4e"
	postJSON = `{"id":"` + postID + `","title":"Hello","content":"First post","authorId":"7d1fa15d-1635-5dee-8aab-f73841f0a2f0",` +
		`"authorName":"alice","createdAt":"2026-11-25T09:30:00Z","updatedAt":"2026-11-25T09:30:00Z","version":1}`
)

func errorJSON(code string) string {
	return `{"code":"` + code + `","message":"m","requestId":"r"}`
}

type exchange struct {
	method, path, token, reqBody string
	status                       int
	respBody                     string
	respHeaders                  map[string]string
}

func (x exchange) check(t *testing.T) []string {
	t.Helper()
	ev := events.APIGatewayV2HTTPRequest{RawPath: x.path, Headers: map[string]string{}, Body: x.reqBody}
	if i := strings.IndexByte(x.path, '?'); i >= 0 {
		ev.RawPath, ev.RawQueryString = x.path[:i], x.path[i+1:]
	}
	ev.RequestContext.HTTP.Method = x.method
	if x.reqBody != "" {
		ev.Headers["content-type"] = "application/json"
	}
	if x.token != "" {
		ev.Headers["authorization"] = "Bearer " + x.token
	}
	out := events.APIGatewayV2HTTPResponse{StatusCode: x.status, Body: x.respBody, Headers: map[string]string{"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}}
	for k, v := range x.respHeaders {
		out.Headers[k] = v
		if v == "" {
			delete(out.Headers, k)
		}
	}
	req, reqBody := openapitest.RequestOf(ev)
	resp, respBody := openapitest.ResponseOf(out)
	return openapitest.Load(t).Problems(req, reqBody, resp, respBody)
}

// TestContractCatchesDrift is the contract's own test: each exchange that
// breaks api/openapi.yaml in one way is reported, and the faithful ones are
// not. A handler that drops a documented field, adds one, or answers an
// undocumented status fails every test that calls it.
func TestContractCatchesDrift(t *testing.T) {
	t.Parallel()
	withoutAuthor := strings.Replace(postJSON, `"authorName":"alice",`, "", 1)
	postCache := map[string]string{"Cache-Control": "public, max-age=0, s-maxage=240, stale-while-revalidate=60"}
	tests := []struct {
		name  string
		x     exchange
		wants string // a part of the one problem expected; "" for none
	}{
		{"a documented answer", exchange{method: "GET", path: "/api/posts/" + postID, status: 200, respBody: postJSON, respHeaders: postCache}, ""},
		{"a public read cached longer than documented", exchange{method: "GET", path: "/api/posts/" + postID, status: 200, respBody: postJSON, respHeaders: map[string]string{"Cache-Control": "public, s-maxage=3600"}}, "the answer breaks the contract"},
		{"a public read marked plainly no-store", exchange{method: "GET", path: "/api/posts/" + postID, status: 200, respBody: postJSON}, "the answer breaks the contract"},
		{"a write without Cache-Control", exchange{method: "POST", path: "/api/posts", token: "t", reqBody: `{"title":"a","content":"b"}`, status: 201, respBody: postJSON, respHeaders: map[string]string{"Location": "/api/posts/" + postID, "Cache-Control": ""}}, "the answer breaks the contract"},
		{"a documented field missing", exchange{method: "GET", path: "/api/posts/" + postID, status: 200, respBody: withoutAuthor, respHeaders: postCache}, "the answer breaks the contract"},
		{"an undocumented field", exchange{method: "GET", path: "/api/posts/" + postID, status: 200, respBody: strings.Replace(postJSON, `{`, `{"secret":1,`, 1)}, "the answer breaks the contract"},
		{"an undocumented status", exchange{method: "GET", path: "/api/posts/" + postID, status: http.StatusTeapot, respBody: errorJSON("INTERNAL")}, "the answer breaks the contract"},
		{"a documented status for another route", exchange{method: "GET", path: "/api/posts/" + postID, status: 409, respBody: errorJSON("VERSION_CONFLICT")}, "the answer breaks the contract"},
		{"an undocumented error code", exchange{method: "GET", path: "/api/posts/" + postID, status: 404, respBody: errorJSON("NO_SUCH_THING")}, "the answer breaks the contract"},
		{"a documented error", exchange{method: "GET", path: "/api/posts/" + postID, status: 404, respBody: errorJSON("POST_NOT_FOUND")}, ""},
		{"an error without its request id", exchange{method: "GET", path: "/api/posts/" + postID, status: 404, respBody: `{"code":"POST_NOT_FOUND","message":"m"}`}, "the answer breaks the contract"},
		{"a refused request answered 4xx", exchange{method: "POST", path: "/api/posts", token: "t", reqBody: `{"title":"a","content":"b","x":1}`, status: 400, respBody: errorJSON("UNKNOWN_FIELD")}, ""},
		{"a refused request accepted", exchange{method: "POST", path: "/api/posts", token: "t", reqBody: `{"title":"a","content":"b","x":1}`, status: 201, respBody: postJSON, respHeaders: map[string]string{"Location": "/api/posts/" + postID}}, "the contract refuses this request"},
		{"no token answered 401", exchange{method: "POST", path: "/api/posts", reqBody: `{"title":"a","content":"b"}`, status: 401, respBody: errorJSON("UNAUTHORIZED")}, ""},
		{"no token accepted", exchange{method: "POST", path: "/api/posts", reqBody: `{"title":"a","content":"b"}`, status: 201, respBody: postJSON, respHeaders: map[string]string{"Location": "/api/posts/" + postID}}, "the contract refuses this request"},
		{"a created post without its Location", exchange{method: "POST", path: "/api/posts", token: "t", reqBody: `{"title":"a","content":"b"}`, status: 201, respBody: postJSON}, "the answer breaks the contract"},
		{"a limit out of range answered 400", exchange{method: "GET", path: "/api/posts?limit=0", status: 400, respBody: errorJSON("INVALID_LIMIT")}, ""},
		{"an undocumented route answered 404", exchange{method: "PATCH", path: "/api/posts/" + postID, status: 404, respBody: errorJSON("ROUTE_NOT_FOUND")}, ""},
		{"an undocumented route answered", exchange{method: "GET", path: "/api/secrets", status: 200, respBody: `{}`}, "the contract has no route"},
		{"not the API", exchange{method: "GET", path: "/local/mailbox", status: 200, respBody: `{}`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			problems := tt.x.check(t)
			switch {
			case tt.wants == "" && len(problems) > 0:
				t.Errorf("problems %q, want none", problems)
			case tt.wants != "" && (len(problems) != 1 || !strings.Contains(problems[0], tt.wants)):
				t.Errorf("problems %q, want one about %q", problems, tt.wants)
			}
		})
	}
}
