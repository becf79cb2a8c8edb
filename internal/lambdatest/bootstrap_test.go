//go:build unix

package lambdatest_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/post"
)

// postsFunctions are the functions this tier runs: the posts routes, which
// need DynamoDB alone. Their main packages come from the registry.
var postsFunctions = []string{"listPosts", "getPost", "createPost", "updatePost", "deletePost"}

// The caller of the fixtures' authorizer claims.
const (
	aliceSub  = "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	aliceName = "alice"
)

func TestBootstrapsUnderRIE(t *testing.T) {
	rie, endpoint := os.Getenv("LAMBDA_RIE"), os.Getenv("DYNAMODB_LOCAL_ENDPOINT")
	if rie == "" || endpoint == "" {
		if os.Getenv("REQUIRE_LAMBDA_RIE") != "" {
			t.Fatal("REQUIRE_LAMBDA_RIE is set but LAMBDA_RIE or DYNAMODB_LOCAL_ENDPOINT is not")
		}
		t.Skip("LAMBDA_RIE and DYNAMODB_LOCAL_ENDPOINT not both set; `make test` runs this tier")
	}
	if _, err := os.Stat(rie); err != nil {
		t.Fatalf("LAMBDA_RIE: %v", err)
	}
	m, err := manifest.Load(filepath.Join(moduleRoot, "serverless.yml"), manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	tables := newTables(t, m, dynamoDBClient(endpoint))

	dirs := buildBootstraps(t, postsFunctions...)
	fns := map[string]*function{}
	for _, name := range postsFunctions {
		def, ok := m.Function(name)
		if !ok {
			t.Fatalf("serverless.yml declares no function %s", name)
		}
		fns[name] = startFunction(t, rie, name, dirs[name], functionEnv(def, tables.env(t, def), dirs[name], endpoint))
	}

	// createpost: 201, the post at version 1 by the caller, and its Location.
	start := time.Now().Add(-time.Second)
	resp := fns["createPost"].invoke(t, event(t, "create-post.json", "", ""))
	wantStatus(t, "create", resp, http.StatusCreated)
	created := decode[post.Post](t, resp)
	if diff := cmp.Diff(post.Post{
		Title: "Hello", Content: "First post, from Lambda.", AuthorID: aliceSub, AuthorName: aliceName, Version: 1,
	}, created, cmpopts.IgnoreFields(post.Post{}, "ID", "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("created post (-want +got):\n%s", diff)
	}
	if _, err := post.ParseID(created.ID); err != nil {
		t.Errorf("created id %q: %v", created.ID, err)
	}
	if created.CreatedAt.Before(start) || created.CreatedAt.After(time.Now()) || !created.UpdatedAt.Equal(created.CreatedAt) {
		t.Errorf("created at %v, updated at %v; want both the time of the call", created.CreatedAt, created.UpdatedAt)
	}
	if got, want := resp.Headers["Location"], "/api/posts/"+created.ID; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	id := created.ID

	// getpost: the post as created.
	resp = fns["getPost"].invoke(t, event(t, "get-post.json", id, ""))
	wantStatus(t, "get", resp, http.StatusOK)
	if diff := cmp.Diff(created, decode[post.Post](t, resp)); diff != "" {
		t.Errorf("get after create (-want +got):\n%s", diff)
	}

	// listposts: the one post of the fresh table, and no further page.
	resp = fns["listPosts"].invoke(t, event(t, "list-posts.json", "", ""))
	wantStatus(t, "list", resp, http.StatusOK)
	if diff := cmp.Diff(post.Page{Posts: []post.Post{created}}, decode[post.Page](t, resp)); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}

	// updatepost from version 1: version 2 with the new title and content.
	resp = fns["updatePost"].invoke(t, event(t, "update-post.json", id, ""))
	wantStatus(t, "update", resp, http.StatusOK)
	updated := decode[post.Post](t, resp)
	want := created
	want.Title, want.Content, want.Version = "Hello, edited", "Second thoughts.", 2
	if diff := cmp.Diff(want, updated, cmpopts.IgnoreFields(post.Post{}, "UpdatedAt")); diff != "" {
		t.Errorf("updated post (-want +got):\n%s", diff)
	}
	if updated.UpdatedAt.Before(created.UpdatedAt) || updated.UpdatedAt.After(time.Now()) {
		t.Errorf("updated at %v, before the create (%v) or in the future", updated.UpdatedAt, created.UpdatedAt)
	}

	// The same edit again is based on a stale version.
	ev := event(t, "update-post.json", id, "")
	resp = fns["updatePost"].invoke(t, ev)
	wantError(t, "stale update", ev, resp, http.StatusConflict, post.ErrVersionConflict.Code, post.ErrVersionConflict.Message)

	resp = fns["getPost"].invoke(t, event(t, "get-post.json", id, ""))
	wantStatus(t, "get after update", resp, http.StatusOK)
	if diff := cmp.Diff(updated, decode[post.Post](t, resp)); diff != "" {
		t.Errorf("get after update (-want +got):\n%s", diff)
	}

	// deletepost: 204 and no body; the post is gone.
	resp = fns["deletePost"].invoke(t, event(t, "delete-post.json", id, ""))
	wantStatus(t, "delete", resp, http.StatusNoContent)
	if resp.Body != "" {
		t.Errorf("delete body = %q, want none", resp.Body)
	}
	ev = event(t, "get-post.json", id, "")
	resp = fns["getPost"].invoke(t, ev)
	wantError(t, "get after delete", ev, resp, http.StatusNotFound, post.ErrNotFound.Code, post.ErrNotFound.Message)
	resp = fns["listPosts"].invoke(t, event(t, "list-posts.json", "", ""))
	wantStatus(t, "list after delete", resp, http.StatusOK)
	if resp.Body != `{"posts":[]}` {
		t.Errorf("list after delete = %s, want {\"posts\":[]}", resp.Body)
	}

	// A body that is not JSON is refused before anything is stored.
	ev = event(t, "create-post.json", "", `{"title":"Hello",`)
	resp = fns["createPost"].invoke(t, ev)
	wantError(t, "malformed create", ev, resp, http.StatusBadRequest, "INVALID_JSON", "")
}

// functionEnv is the whole environment of a function under the emulator:
// env (its environment in serverless.yml, on the test's tables), DynamoDB
// Local, and what Lambda itself sets. Nothing leaks in from the test's own
// environment, shared AWS config files included.
func functionEnv(def manifest.Function, env map[string]string, dir, endpoint string) []string {
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB":       endpoint,
		"AWS_REGION":                      emulator.Region,
		"AWS_DEFAULT_REGION":              emulator.Region,
		"AWS_ACCESS_KEY_ID":               "local",
		"AWS_SECRET_ACCESS_KEY":           "local",
		"AWS_CONFIG_FILE":                 filepath.Join(dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE":     filepath.Join(dir, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED":       "true",
		"AWS_LAMBDA_FUNCTION_NAME":        def.FunctionName,
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     strconv.Itoa(def.Timeout),
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(def.MemorySize),
		"HOME":                            dir,
	} {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// event returns the fixture API Gateway event, from package postapi's
// testdata, as raw JSON with its post id (path parameter and paths) and its
// body replaced where id or body are not empty. Everything else is left as
// API Gateway sent it.
func event(t *testing.T, fixture, id, body string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(moduleRoot, "internal", "postapi", "testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("%s: %v", fixture, err)
	}
	if id != "" {
		path := "/api/posts/" + id
		ev["rawPath"] = path
		ev["pathParameters"] = map[string]any{"id": id}
		ev["requestContext"].(map[string]any)["http"].(map[string]any)["path"] = path
	}
	if body != "" {
		ev["body"] = body
		ev["headers"].(map[string]any)["content-length"] = strconv.Itoa(len(body))
	}
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func wantStatus(t *testing.T, what string, resp events.APIGatewayV2HTTPResponse, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d (%s), want %d", what, resp.StatusCode, resp.Body, status)
	}
	if got, want := resp.Headers["Content-Type"], "application/json; charset=utf-8"; got != want {
		t.Errorf("%s: Content-Type = %q, want %q", what, got, want)
	}
}

// wantError checks the error answer to ev: its status, code, message (any
// non-empty message when message is empty) and ev's request id.
func wantError(t *testing.T, what string, ev []byte, resp events.APIGatewayV2HTTPResponse, status int, code, message string) {
	t.Helper()
	wantStatus(t, what, resp, status)
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(ev, &req); err != nil {
		t.Fatal(err)
	}
	got := decode[httpapi.ErrorBody](t, resp)
	want := httpapi.ErrorBody{Code: code, Message: message, RequestID: req.RequestContext.RequestID}
	if message == "" {
		want.Message = got.Message
		if got.Message == "" {
			t.Errorf("%s: error without a message", what)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: error body (-want +got):\n%s", what, diff)
	}
}

func decode[T any](t *testing.T, resp events.APIGatewayV2HTTPResponse) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(resp.Body), &v); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	return v
}
