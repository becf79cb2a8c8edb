package postapi_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/eventboard/eventboard/internal/httpapi/httpapitest"
	"github.com/eventboard/eventboard/internal/post"
)

// checkAnswer fails unless resp is a success with a JSON post or a 4xx in
// the error shape: no input may produce a 5xx.
func checkAnswer(t *testing.T, resp events.APIGatewayV2HTTPResponse, success int) {
	t.Helper()
	if resp.StatusCode == success {
		return
	}
	if resp.StatusCode < 400 || resp.StatusCode > 499 {
		t.Fatalf("status %d for fuzzed input: %s", resp.StatusCode, resp.Body)
	}
	var e errorBody
	if err := json.Unmarshal([]byte(resp.Body), &e); err != nil || e.Code == "" || e.Message == "" {
		t.Fatalf("error answer not in the error shape: %s", resp.Body)
	}
}

func FuzzCreate(f *testing.F) {
	for _, seed := range []string{
		`{"title":"a","content":"b"}`, `{"title":"  ","content":"b"}`, `{"title":5}`, `{`, `null`, `[]`,
		`{"title":"a\ud800","content":"b"}`, `{"title":"\ud83d\ude00","content":"\\u0000"}`, "{\"title\":\"\xff\"}",
		`{"title":"a","content":"b","x":1}`, `{"title":"a","content":"b"} trailing`,
	} {
		f.Add(seed, false)
		f.Add(base64.StdEncoding.EncodeToString([]byte(seed)), true)
	}
	f.Fuzz(func(t *testing.T, body string, isBase64 bool) {
		e := newEnv(t)
		req := fixture(t, "create-post.json")
		req.Body, req.IsBase64Encoded = body, isBase64
		resp := httpapitest.Invoke(t, e.h.Create, req)
		checkAnswer(t, resp, http.StatusCreated)
		n := e.count(t)
		if resp.StatusCode != http.StatusCreated {
			if n != 0 {
				t.Fatalf("refused create (%d) stored a post", resp.StatusCode)
			}
			return
		}
		p := decode[post.Post](t, resp)
		if n != 1 || !utf8.ValidString(p.Title) || !utf8.ValidString(p.Content) {
			t.Fatalf("accepted create: %d stored, post %+v", n, p)
		}
		if d, err := (post.Draft{Title: p.Title, Content: p.Content}).Normalize(); err != nil || d.Title != p.Title {
			t.Fatalf("stored a post that breaks the rules: %+v, %v", d, err)
		}
	})
}

func FuzzUpdate(f *testing.F) {
	f.Add(`{"title":"t","content":"c","version":1}`, "")
	f.Add(`{"title":"t","content":"c","version":1e400}`, "")
	f.Add(`{"title":"t","content":"c","version":-1}`, "not-a-uuid")
	f.Add(`{"version":9223372036854775807,"title":"t","content":"c"}`, "")
	f.Fuzz(func(t *testing.T, body, id string) {
		e := newEnv(t)
		p := e.create(t, "original")
		req := fixture(t, "update-post.json")
		req.PathParameters["id"] = p.ID
		if id != "" {
			req.PathParameters["id"] = id
		}
		req.Body = body
		resp := httpapitest.Invoke(t, e.h.Update, req)
		checkAnswer(t, resp, http.StatusOK)
		if resp.StatusCode != http.StatusOK {
			stored, err := e.store.Get(t.Context(), p.ID)
			if err != nil || stored != p {
				t.Fatalf("refused update (%d) changed the post: %+v %v", resp.StatusCode, stored, err)
			}
		}
	})
}

func FuzzList(f *testing.F) {
	f.Add("20", "")
	f.Add("0", "eyJ2IjoxLCJhZnRlciI6IngifQ")
	f.Add("-9", "%%")
	f.Fuzz(func(t *testing.T, limit, cursor string) {
		e := newEnv(t)
		req := fixture(t, "list-posts.json")
		req.RawQueryString = "limit=" + limit + "&cursor=" + cursor
		checkAnswer(t, httpapitest.Invoke(t, e.h.List, req), http.StatusOK)
	})
}
