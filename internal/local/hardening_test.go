package local_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/eventboard/eventboard/internal/post"
)

// The gateway's authorizer and the Lambdas read Authorization differently:
// a bare token or "Bearer<TAB>token" passed the authorizer and the Lambda
// then answered TOKEN_REVOKED (or wrote), and with two headers the
// authorizer checked the first while the Lambda saw both joined.
func TestFinding03_OneAuthorizationFormThroughGatewayAndLambda(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	tok := c.token("alice")
	send := func(t *testing.T, method, path string, body []byte, authorization ...string) response {
		t.Helper()
		req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for _, a := range authorization {
			req.Header.Add("Authorization", a)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return response{status: resp.StatusCode, header: resp.Header, body: b}
	}
	for _, tc := range []struct {
		name   string
		header []string
	}{
		{"bare token", []string{tok}},
		{"tab after the scheme", []string{"Bearer\t" + tok}},
		{"two spaces", []string{"Bearer  " + tok}},
		{"two headers", []string{"Bearer " + tok, "Bearer " + tok}},
		{"two headers, the second junk", []string{"Bearer " + tok, "Bearer junk"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			send(t, "GET", "/api/myinfo", nil, tc.header...).want(t, 401, "UNAUTHORIZED")
			send(t, "POST", "/api/posts", jsonBody(map[string]string{"title": "t", "content": "c"}), tc.header...).want(t, 401, "UNAUTHORIZED")
		})
	}
	var page post.Page
	c.do("GET", "/api/posts", "", nil).decode(t, &page)
	if len(page.Posts) != 0 {
		t.Errorf("a refused form wrote %d posts", len(page.Posts))
	}
	send(t, "POST", "/api/posts", jsonBody(map[string]string{"title": "t", "content": "c"}), "bearer "+tok).want(t, 201, "")
}
