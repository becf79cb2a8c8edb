package postapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	contract "github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/events/eventstest"
	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/httpapi/httpapitest"
	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
	"github.com/eventboard/eventboard/internal/post/posttest"
	"github.com/eventboard/eventboard/internal/postapi"
)

// fixture loads a request event from testdata.
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

type env struct {
	store       *inmem.PostStore
	outbox      *inmem.Outbox
	relay       *recordingRelay
	revocations *inmem.Revocations
	h           *postapi.Handlers
}

// recordingRelay publishes nothing; it keeps what it was asked to send.
type recordingRelay struct {
	mu   sync.Mutex
	sent []outbox.Record
}

func (r *recordingRelay) Send(_ context.Context, rs ...outbox.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, rs...)
	return nil
}

func (r *recordingRelay) records() []outbox.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]outbox.Record(nil), r.sent...)
}

var fixedNow = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	ob, relay, revocations := inmem.NewOutbox(), &recordingRelay{}, inmem.NewRevocations()
	store := inmem.NewPostStore(ob)
	svc := post.NewService(store, relay, "eventboard.test", post.WithClock(func() time.Time { return fixedNow }))
	return &env{store: store, outbox: ob, relay: relay, revocations: revocations, h: postapi.New(svc, revocations, slog.New(slog.DiscardHandler))}
}

type errorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

func wantError(t testing.TB, resp events.APIGatewayV2HTTPResponse, status int, code string) {
	t.Helper()
	var body errorBody
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("error body %q: %v", resp.Body, err)
	}
	if resp.StatusCode != status || body.Code != code {
		t.Errorf("got %d %s (%q), want %d %s", resp.StatusCode, body.Code, body.Message, status, code)
	}
	if body.Message == "" || body.RequestID == "" {
		t.Errorf("error body %+v lacks a message or request id", body)
	}
}

func decode[T any](t testing.TB, resp events.APIGatewayV2HTTPResponse) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(resp.Body), &v); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	return v
}

func (e *env) count(t testing.TB) int {
	t.Helper()
	posts, _, err := e.store.List(context.Background(), post.MaxLimit, "")
	if err != nil {
		t.Fatal(err)
	}
	return len(posts)
}

func (e *env) create(t testing.TB, title string) post.Post {
	t.Helper()
	req := fixture(t, "create-post.json")
	req.Body = `{"title":` + mustJSON(title) + `,"content":"body"}`
	resp := httpapitest.Invoke(t, e.h.Create, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
	}
	return decode[post.Post](t, resp)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := fixture(t, "create-post.json")
	req.Body = `{"title":"  Hello  ","content":"First post."}`
	resp := httpapitest.Invoke(t, e.h.Create, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status = %d %s", resp.StatusCode, resp.Body)
	}
	got := decode[post.Post](t, resp)
	if _, err := uuid.Parse(got.ID); err != nil || uuid.MustParse(got.ID).Version() != 7 {
		t.Errorf("id %q is not a UUIDv7", got.ID)
	}
	want := post.Post{
		ID: got.ID, Title: "Hello", Content: "First post.",
		AuthorID: "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", AuthorName: "alice",
		CreatedAt: fixedNow, UpdatedAt: fixedNow, Version: 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("created post (-want +got):\n%s", diff)
	}
	if loc := resp.Headers["Location"]; loc != "/api/posts/"+got.ID {
		t.Errorf("Location = %q", loc)
	}
	stored, err := e.store.Get(context.Background(), got.ID)
	if err != nil || stored != want {
		t.Errorf("stored = %+v, %v; want %+v", stored, err, want)
	}
}

func TestCreateRejectsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(*events.APIGatewayV2HTTPRequest)
		status int
		code   string
	}{
		{"malformed JSON", body(`{"title": "x",`), 400, "INVALID_JSON"},
		{"not an object", body(`["title"]`), 400, "INVALID_JSON"},
		{"empty body", body(``), 400, "INVALID_JSON"},
		{"null body", body(`null`), 400, "MISSING_FIELD"},
		{"trailing data", body(`{"title":"a","content":"b"} {}`), 400, "INVALID_JSON"},
		{"title is a number", body(`{"title":5,"content":"b"}`), 400, "INVALID_FIELD_TYPE"},
		{"content is an object", body(`{"title":"a","content":{"x":1}}`), 400, "INVALID_FIELD_TYPE"},
		{"unknown field", body(`{"title":"a","content":"b","authorId":"someone-else"}`), 400, "UNKNOWN_FIELD"},
		{"missing title", body(`{"content":"b"}`), 400, "MISSING_FIELD"},
		{"null content", body(`{"title":"a","content":null}`), 400, "MISSING_FIELD"},
		{"empty title", body(`{"title":"","content":"b"}`), 400, "INVALID_TITLE"},
		{"whitespace title", body(`{"title":" \t\n ","content":"b"}`), 400, "INVALID_TITLE"},
		{"whitespace content", body(`{"title":"a","content":"   "}`), 400, "INVALID_CONTENT"},
		{"title too long", body(`{"title":"` + strings.Repeat("é", post.MaxTitleLen+1) + `","content":"b"}`), 400, "INVALID_TITLE"},
		{"content too long", body(`{"title":"a","content":"` + strings.Repeat("x", post.MaxContentLen+1) + `"}`), 400, "INVALID_CONTENT"},
		{"body over 64 KiB", body(`{"title":"a","content":"` + strings.Repeat("x", 64<<10) + `"}`), 413, "PAYLOAD_TOO_LARGE"},
		{"base64 body over 64 KiB", base64Body(`{"title":"a","content":"` + strings.Repeat("x", 64<<10) + `"}`), 413, "PAYLOAD_TOO_LARGE"},
		{"invalid UTF-8", base64Body("{\"title\":\"a\xff\",\"content\":\"b\"}"), 400, "INVALID_UTF8"},
		{"lone surrogate escape", body(`{"title":"a\ud800","content":"b"}`), 400, "INVALID_UTF8"},
		{"garbled base64", func(r *events.APIGatewayV2HTTPRequest) { r.Body, r.IsBase64Encoded = "!!!", true }, 400, "INVALID_BODY"},
		{"no authorizer context", func(r *events.APIGatewayV2HTTPRequest) { r.RequestContext.Authorizer = nil }, 401, "UNAUTHORIZED"},
		{"id token claims", func(r *events.APIGatewayV2HTTPRequest) {
			r.RequestContext.Authorizer.JWT.Claims["token_use"] = "id"
		}, 401, "UNAUTHORIZED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			req := fixture(t, "create-post.json")
			tt.edit(&req)
			wantError(t, httpapitest.Invoke(t, e.h.Create, req), tt.status, tt.code)
			if n := e.count(t); n != 0 {
				t.Errorf("a refused create stored %d posts", n)
			}
		})
	}
}

func TestCreateAcceptsSurrogatePairs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := fixture(t, "create-post.json")
	req.Body = `{"title":"smile \ud83d\ude00","content":"tab\tand \"quotes\" \\u0041"}`
	resp := httpapitest.Invoke(t, e.h.Create, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
	}
	if got := decode[post.Post](t, resp).Title; got != "smile 😀" {
		t.Errorf("title = %q", got)
	}
}

func body(s string) func(*events.APIGatewayV2HTTPRequest) {
	return func(r *events.APIGatewayV2HTTPRequest) { r.Body, r.IsBase64Encoded = s, false }
}

func base64Body(s string) func(*events.APIGatewayV2HTTPRequest) {
	return func(r *events.APIGatewayV2HTTPRequest) {
		r.Body, r.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(s)), true
	}
}

// readSpy counts which of the posts store's reads the handlers use.
type readSpy struct {
	*inmem.PostStore
	latest, shared int
}

func (s *readSpy) Get(ctx context.Context, id string) (post.Post, error) {
	s.latest++
	return s.PostStore.Get(ctx, id)
}

func (s *readSpy) GetShared(ctx context.Context, id string) (post.Post, error) {
	s.shared++
	return s.PostStore.GetShared(ctx, id)
}

// spiedHandlers returns handlers on a readSpy that holds one post of
// alice's, and the post.
func spiedHandlers(t *testing.T) (*postapi.Handlers, *readSpy, post.Post) {
	t.Helper()
	store := &readSpy{PostStore: inmem.NewPostStore(inmem.NewOutbox())}
	h := postapi.New(post.NewService(store, &recordingRelay{}, "eventboard.test"), inmem.NewRevocations(), slog.New(slog.DiscardHandler))
	p := posttest.NewPost(t, "alice")
	if err := store.Create(context.Background(), p, posttest.Event("created")); err != nil {
		t.Fatal(err)
	}
	return h, store, p
}

// An anonymous read, the one shared caches keep, may be a second behind
// the writes; a read with credentials, the author's after a write, sees
// every write.
func TestGetReadsConsistentlyOnlyWithCredentials(t *testing.T) {
	t.Parallel()
	h, store, p := spiedHandlers(t)
	for _, tc := range []struct {
		name           string
		header         string
		latest, shared int
	}{
		{"anonymous", "", 0, 1},
		{"with a token", "authorization", 1, 0},
		{"with a cookie", "cookie", 1, 0},
	} {
		store.latest, store.shared = 0, 0
		req := fixture(t, "get-post.json")
		req.PathParameters["id"] = p.ID
		if tc.header != "" {
			req.Headers[tc.header] = "x"
		}
		if resp := httpapitest.Invoke(t, h.Get, req); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d %s", tc.name, resp.StatusCode, resp.Body)
		}
		if store.latest != tc.latest || store.shared != tc.shared {
			t.Errorf("%s: %d consistent and %d shared reads, want %d and %d", tc.name, store.latest, store.shared, tc.latest, tc.shared)
		}
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.create(t, "hello")

	req := fixture(t, "get-post.json")
	req.PathParameters["id"] = p.ID
	resp := httpapitest.Invoke(t, e.h.Get, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
	}
	if diff := cmp.Diff(p, decode[post.Post](t, resp)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		id     string
		status int
		code   string
	}{
		{uuid.Must(uuid.NewV7()).String(), 404, "POST_NOT_FOUND"},
		{"not-a-uuid", 400, "INVALID_POST_ID"},
		{"", 400, "INVALID_POST_ID"},
		{"{" + p.ID + "}", 400, "INVALID_POST_ID"},
		{strings.ReplaceAll(p.ID, "-", ""), 400, "INVALID_POST_ID"},
	} {
		req.PathParameters["id"] = tc.id
		wantError(t, httpapitest.Invoke(t, e.h.Get, req), tc.status, tc.code)
	}
}

func TestListPagesNewestFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var want []string
	for i := range 5 {
		want = append([]string{e.create(t, "post "+string(rune('a'+i))).ID}, want...)
	}
	got := pageThrough(t, e, fixture(t, "list-posts.json"), 5, nil)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

func TestListEmptyIsAnArray(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := fixture(t, "list-posts.json")
	req.QueryStringParameters, req.RawQueryString = nil, ""
	resp := httpapitest.Invoke(t, e.h.List, req)
	if resp.StatusCode != 200 || resp.Body != `{"posts":[]}` {
		t.Errorf("got %d %s, want 200 {\"posts\":[]}", resp.StatusCode, resp.Body)
	}
}

func TestListRejectsBadParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"after":"../../etc"}`))
	unknownField := base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"after":"` + uuid.Must(uuid.NewV7()).String() + `","table":"x"}`))
	v4 := base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"after":"` + uuid.NewString() + `"}`))
	for _, tc := range []struct {
		name  string
		query map[string]string
		code  string
	}{
		{"limit zero", map[string]string{"limit": "0"}, "INVALID_LIMIT"},
		{"limit 101", map[string]string{"limit": "101"}, "INVALID_LIMIT"},
		{"limit negative", map[string]string{"limit": "-1"}, "INVALID_LIMIT"},
		{"limit not a number", map[string]string{"limit": "ten"}, "INVALID_LIMIT"},
		{"limit huge", map[string]string{"limit": "99999999999999999999"}, "INVALID_LIMIT"},
		{"limit empty", map[string]string{"limit": ""}, "INVALID_LIMIT"},
		{"garbled cursor", map[string]string{"cursor": "%%%not-base64"}, "INVALID_CURSOR"},
		{"forged cursor", map[string]string{"cursor": forged}, "INVALID_CURSOR"},
		{"cursor with extra field", map[string]string{"cursor": unknownField}, "INVALID_CURSOR"},
		{"cursor with a v4 id", map[string]string{"cursor": v4}, "INVALID_CURSOR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := fixture(t, "list-posts.json")
			req.QueryStringParameters, req.RawQueryString = tc.query, ""
			wantError(t, httpapitest.Invoke(t, e.h.List, req), 400, tc.code)
		})
	}
}

// Malformed query strings were dropped and the default page served, so a
// client never learned its cursor or limit was not read.
func TestMalformedQueryStringIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.create(t, "one")
	for _, tc := range []struct {
		raw    string
		status int
		code   string
	}{
		{"cursor=%%%x", 400, "INVALID_QUERY"},
		{"limit=%zz", 400, "INVALID_QUERY"},
		{"limit=5;limit=6", 400, "INVALID_QUERY"},
		{"limit=5&limit=6", 400, "INVALID_QUERY"},
		{"limit=5;cursor=x", 400, "INVALID_QUERY"},
		{"limit=1&", 200, ""},
		{"limit=%31", 200, ""}, // "1", percent-encoded
	} {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			req := fixture(t, "list-posts.json")
			req.RawQueryString = tc.raw
			resp := httpapitest.Invoke(t, e.h.List, req)
			if tc.status != 200 {
				wantError(t, resp, tc.status, tc.code)
				return
			}
			if page := decode[post.Page](t, resp); resp.StatusCode != 200 || len(page.Posts) != 1 {
				t.Errorf("got %d %s", resp.StatusCode, resp.Body)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.create(t, "original")
	req := fixture(t, "update-post.json")
	req.PathParameters["id"] = p.ID
	req.Body = `{"title":" edited ","content":"new","version":1}`
	resp := httpapitest.Invoke(t, e.h.Update, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
	}
	got := decode[post.Post](t, resp)
	want := p
	want.Title, want.Content, want.Version = "edited", "new", 2
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The same edit again is stale now.
	wantError(t, httpapitest.Invoke(t, e.h.Update, req), 409, "VERSION_CONFLICT")
}

func TestUpdateRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(r *events.APIGatewayV2HTTPRequest, id string)
		status int
		code   string
	}{
		{"another user", func(r *events.APIGatewayV2HTTPRequest, _ string) {
			r.RequestContext.Authorizer.JWT.Claims["sub"] = uuid.NewString()
			r.RequestContext.Authorizer.JWT.Claims["username"] = "mallory"
		}, 403, "NOT_POST_AUTHOR"},
		{"stale version", func(r *events.APIGatewayV2HTTPRequest, _ string) {
			r.Body = `{"title":"t","content":"c","version":7}`
		}, 409, "VERSION_CONFLICT"},
		{"missing version", func(r *events.APIGatewayV2HTTPRequest, _ string) { r.Body = `{"title":"t","content":"c"}` }, 400, "MISSING_FIELD"},
		{"version zero", func(r *events.APIGatewayV2HTTPRequest, _ string) { r.Body = `{"title":"t","content":"c","version":0}` }, 400, "INVALID_VERSION"},
		{"version a string", func(r *events.APIGatewayV2HTTPRequest, _ string) {
			r.Body = `{"title":"t","content":"c","version":"1"}`
		}, 400, "INVALID_FIELD_TYPE"},
		{"version a fraction", func(r *events.APIGatewayV2HTTPRequest, _ string) {
			r.Body = `{"title":"t","content":"c","version":1.5}`
		}, 400, "INVALID_FIELD_TYPE"},
		{"absent post", func(r *events.APIGatewayV2HTTPRequest, _ string) {
			r.PathParameters["id"] = uuid.Must(uuid.NewV7()).String()
		}, 404, "POST_NOT_FOUND"},
		{"bad id", func(r *events.APIGatewayV2HTTPRequest, _ string) { r.PathParameters["id"] = "42" }, 400, "INVALID_POST_ID"},
		{"empty title", func(r *events.APIGatewayV2HTTPRequest, _ string) { r.Body = `{"title":" ","content":"c","version":1}` }, 400, "INVALID_TITLE"},
		{"no token", func(r *events.APIGatewayV2HTTPRequest, _ string) { r.RequestContext.Authorizer = nil }, 401, "UNAUTHORIZED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			p := e.create(t, "original")
			req := fixture(t, "update-post.json")
			req.PathParameters["id"] = p.ID
			tt.edit(&req, p.ID)
			wantError(t, httpapitest.Invoke(t, e.h.Update, req), tt.status, tt.code)
			stored, err := e.store.Get(context.Background(), p.ID)
			if err != nil || stored != p {
				t.Errorf("a refused update changed the post: %+v, %v", stored, err)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.create(t, "doomed")
	req := fixture(t, "delete-post.json")
	req.PathParameters["id"] = p.ID

	other := fixture(t, "delete-post.json")
	other.PathParameters["id"] = p.ID
	other.RequestContext.Authorizer.JWT.Claims["sub"] = uuid.NewString()
	wantError(t, httpapitest.Invoke(t, e.h.Delete, other), 403, "NOT_POST_AUTHOR")
	if e.count(t) != 1 {
		t.Fatal("a refused delete removed the post")
	}

	resp := httpapitest.Invoke(t, e.h.Delete, req)
	if resp.StatusCode != http.StatusNoContent || resp.Body != "" {
		t.Fatalf("delete: %d %q", resp.StatusCode, resp.Body)
	}
	if e.count(t) != 0 {
		t.Fatal("post still stored after delete")
	}
	wantError(t, httpapitest.Invoke(t, e.h.Delete, req), 404, "POST_NOT_FOUND")

	get := fixture(t, "get-post.json")
	get.PathParameters["id"] = p.ID
	wantError(t, httpapitest.Invoke(t, e.h.Get, get), 404, "POST_NOT_FOUND")
}

func TestWritesRefuseSignedOutSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		revoke func(r *inmem.Revocations, claims map[string]string)
	}{
		{"session revoked", func(r *inmem.Revocations, c map[string]string) {
			_ = r.RevokeSession(ctx, c["origin_jti"], time.Now().Add(time.Hour))
		}},
		{"user signed out everywhere after the token was issued", func(r *inmem.Revocations, c map[string]string) {
			_ = r.RevokeUser(ctx, c["sub"], time.Unix(1764028801, 0), time.Now().Add(time.Hour))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			p := e.create(t, "before sign-out")
			req := fixture(t, "create-post.json")
			tc.revoke(e.revocations, req.RequestContext.Authorizer.JWT.Claims)

			wantError(t, httpapitest.Invoke(t, e.h.Create, req), 401, "TOKEN_REVOKED")
			upd := fixture(t, "update-post.json")
			upd.PathParameters["id"] = p.ID
			wantError(t, httpapitest.Invoke(t, e.h.Update, upd), 401, "TOKEN_REVOKED")
			del := fixture(t, "delete-post.json")
			del.PathParameters["id"] = p.ID
			wantError(t, httpapitest.Invoke(t, e.h.Delete, del), 401, "TOKEN_REVOKED")
			if stored, err := e.store.Get(ctx, p.ID); err != nil || stored != p || e.count(t) != 1 {
				t.Errorf("a revoked session changed the posts: %+v %v", stored, err)
			}
		})
	}
}

func TestSignOutBeforeTheTokenLeavesItValid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := fixture(t, "create-post.json")
	// iat of the fixture is 1764028800: a sign-out a second earlier does not
	// touch a token issued after it (a new login).
	_ = e.revocations.RevokeUser(context.Background(), req.RequestContext.Authorizer.JWT.Claims["sub"], time.Unix(1764028799, 0), time.Now().Add(time.Hour))
	if resp := httpapitest.Invoke(t, e.h.Create, req); resp.StatusCode != http.StatusCreated {
		t.Errorf("token issued after the sign-out: %d %s", resp.StatusCode, resp.Body)
	}
}

// TestEmittedEventsMatchTheContract validates every event the posts
// handlers emit against the published JSON Schemas, and checks they carry
// the change as it was made.
func TestEmittedEventsMatchTheContract(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.create(t, "contract ✓ ünïcödé")
	upd := fixture(t, "update-post.json")
	upd.PathParameters["id"] = p.ID
	upd.Headers["x-correlation-id"] = "corr-42"
	if resp := httpapitest.Invoke(t, e.h.Update, upd); resp.StatusCode != 200 {
		t.Fatalf("update: %d %s", resp.StatusCode, resp.Body)
	}
	del := fixture(t, "delete-post.json")
	del.PathParameters["id"] = p.ID
	if resp := httpapitest.Invoke(t, e.h.Delete, del); resp.StatusCode != 204 {
		t.Fatalf("delete: %d %s", resp.StatusCode, resp.Body)
	}
	var types []string
	for _, r := range e.relay.records() {
		eventstest.Validate(t, r.DetailType, r.Detail)
		types = append(types, r.DetailType)
		ev, err := contract.Decode(r.DetailType, r.Detail)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Meta().EventID != r.EventID || ev.Meta().Producer != "eventboard.test" {
			t.Errorf("metadata %+v of record %s", ev.Meta(), r.EventID)
		}
		switch d := ev.Payload().(type) {
		case contract.PostCreated:
			if d.PostID != p.ID || d.Title != p.Title || d.Version != 1 {
				t.Errorf("PostCreated = %+v", d)
			}
		case contract.PostUpdated:
			if d.Version != 2 || d.Title != "Hello, edited" || ev.Meta().CorrelationID != "corr-42" {
				t.Errorf("PostUpdated = %+v, %+v", d, ev.Meta())
			}
		case contract.PostDeleted:
			if d.Version != 2 || !d.CreatedAt.Equal(p.CreatedAt) {
				t.Errorf("PostDeleted = %+v", d)
			}
		}
	}
	if diff := cmp.Diff([]string{"PostCreated", "PostUpdated", "PostDeleted"}, types); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if e.outbox.Len() != 3 {
		t.Errorf("outbox holds %d records; the relay here publishes nothing, so all 3 must wait there", e.outbox.Len())
	}
}

// A client retrying POST /api/posts after a timeout created a duplicate:
// with an Idempotency-Key, the same key and body give the same post, and the
// same key with another body is refused.
func TestCreateRetriedWithAnIdempotencyKeyMakesOnePost(t *testing.T) {
	t.Parallel()
	ob, relay := inmem.NewOutbox(), &recordingRelay{}
	store := inmem.NewPostStore(ob)
	h := postapi.New(post.NewService(store, relay, "eventboard.test"), inmem.NewRevocations(), slog.New(slog.DiscardHandler))
	create := func(key, body string, user ...string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		req := fixture(t, "create-post.json")
		req.Body = body
		if key != "" {
			req.Headers["idempotency-key"] = key
		}
		if len(user) > 0 {
			req.RequestContext.Authorizer.JWT.Claims["sub"] = user[0]
		}
		return httpapitest.Invoke(t, h.Create, req)
	}
	const body = `{"title":"Hello","content":"once"}`
	first := create("8e0f6c1e-2b7a-4b8e-9d1f-0a1b2c3d4e5f", body)
	if first.StatusCode != 201 {
		t.Fatalf("first: %d %s", first.StatusCode, first.Body)
	}
	retry := create("8e0f6c1e-2b7a-4b8e-9d1f-0a1b2c3d4e5f", body)
	if retry.StatusCode != 201 || retry.Body != first.Body || retry.Headers["Location"] != first.Headers["Location"] || retry.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("retry: %d %s %v, want the first post again", retry.StatusCode, retry.Body, retry.Headers)
	}
	wantError(t, create("8e0f6c1e-2b7a-4b8e-9d1f-0a1b2c3d4e5f", `{"title":"Hello","content":"other"}`), 409, "IDEMPOTENCY_KEY_REUSED")
	// Keys are per author: another user's same key is a new post.
	if other := create("8e0f6c1e-2b7a-4b8e-9d1f-0a1b2c3d4e5f", body, "0b6f3c7e-9d2a-5e4f-8a1b-2c3d4e5f6a7b"); other.StatusCode != 201 || other.Body == first.Body {
		t.Errorf("another author's key: %d %s", other.StatusCode, other.Body)
	}
	for _, bad := range []string{"has space", "x,y", strings.Repeat("k", 129), "é"} {
		wantError(t, create(bad, body), 400, "INVALID_IDEMPOTENCY_KEY")
	}
	if second := create("", body); second.StatusCode != 201 || second.Body == first.Body {
		t.Errorf("without a key: %d %s", second.StatusCode, second.Body)
	}
	posts, _, _ := store.List(context.Background(), 10, "")
	if len(posts) != 3 || len(relay.records()) != 3 {
		t.Errorf("%d posts and %d events, want 3 and 3 (no duplicate)", len(posts), len(relay.records()))
	}
}

// pageThrough lists from req, two posts a page, following each page's
// cursor until the last, at most maxPages pages, and returns the ids in
// the order served. Every page must be a 200; each is passed to check
// where check is not nil.
func pageThrough(t *testing.T, e *env, req httpapi.Request, maxPages int, check func(httpapi.Response)) []string {
	t.Helper()
	var got []string
	for pages := 0; ; pages++ {
		if pages > maxPages {
			t.Fatal("listing does not end")
		}
		resp := httpapitest.Invoke(t, e.h.List, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
		}
		if check != nil {
			check(resp)
		}
		page := decode[post.Page](t, resp)
		for _, p := range page.Posts {
			got = append(got, p.ID)
		}
		if page.NextCursor == "" {
			return got
		}
		req.RawQueryString = "limit=2&cursor=" + url.QueryEscape(page.NextCursor)
		req.QueryStringParameters = map[string]string{"limit": "2", "cursor": page.NextCursor}
	}
}
