// Package httpapitest invokes HTTP handlers in tests as API Gateway invokes
// their functions: the request event's JSON through a Lambda entry point,
// the answer decoded and held to the contract, api/openapi.yaml (package
// openapitest).
//
// Only tests import it; it is never linked into a Lambda.
package httpapitest

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/openapitest"
)

// Invoke calls h through the entry point its function serves it from
// (httpapi.Lambda, under lambda.NewHandler) with req, and returns the
// answer, as InvokeLambda does. The handler's logs are discarded.
func Invoke(tb testing.TB, h httpapi.Handler, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	tb.Helper()
	return InvokeLambda(tb, lambda.NewHandler(httpapi.Lambda(slog.New(slog.DiscardHandler), h)), req)
}

// InvokeLambda calls the entry point h (a built function's, say) with req's
// JSON, as the Lambda runtime does, and returns the answer. It fails tb when
// the function fails (a 5xx answer is not a failure), when the answer is
// not JSON, and when the exchange breaks the contract.
func InvokeLambda(tb testing.TB, h lambda.Handler, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	tb.Helper()
	payload, err := json.Marshal(req)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := h.Invoke(context.Background(), payload)
	if err != nil {
		tb.Fatalf("function error: %v", err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		tb.Fatalf("response %s: %v", out, err)
	}
	if ct := resp.Headers["Content-Type"]; !strings.HasPrefix(ct, "application/json") {
		tb.Errorf("Content-Type = %q, want application/json", ct)
	}
	openapitest.CheckEvent(tb, req, resp)
	return resp
}
