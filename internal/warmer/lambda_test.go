package warmer_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eventboard/eventboard/internal/warmer"
	"github.com/eventboard/eventboard/internal/warmping"
)

// The invoker speaks the Lambda Invoke API through the SDK client: the
// deployed name in the path, the ping as the body, and a function error is
// an error.
func TestLambdaInvokerSpeaksTheInvokeAPI(t *testing.T) {
	t.Parallel()
	var gotPath, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotPath, gotBody = r.URL.Path, string(b)
		if strings.HasSuffix(r.URL.Path, "-broken/invocations") {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			io.WriteString(w, `{"errorMessage":"boom"}`)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}
	client := warmer.NewLambdaClient(cfg, func(k string) (string, bool) {
		return srv.URL, k == "AWS_ENDPOINT_URL_LAMBDA"
	})
	inv := warmer.LambdaInvoker{API: client, Prefix: "eventboard-test-"}

	out, err := inv.Invoke(context.Background(), "getPost", warmping.Payload(1, 0))
	if err != nil || string(out) != `{"ok":true}` {
		t.Fatalf("Invoke = %s, %v", out, err)
	}
	if gotPath != "/2015-03-31/functions/eventboard-test-getPost/invocations" || gotBody != string(warmping.Payload(1, 0)) {
		t.Errorf("request %s %s", gotPath, gotBody)
	}
	if _, err := inv.Invoke(context.Background(), "broken", warmping.Payload(1, 0)); err == nil ||
		!strings.Contains(err.Error(), "function error Unhandled") {
		t.Errorf("a function error: %v", err)
	}
}
