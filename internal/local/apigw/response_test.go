package apigw

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/google/go-cmp/cmp"
)

// writeResponse reads a function's answer with jsonv1, which must read
// every answer as encoding/json does: the same fields, or an error for both.

var answers = []string{
	`{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"a\":1}"}`,
	`{"statusCode":202,"headers":{"Content-Type":"text/plain"},"cookies":["a=1; HttpOnly","b=2"],"body":"aGVsbG8=","isBase64Encoded":true}`,
	`{"STATUSCODE":201,"statusCode":204,"Body":"x","extra":{"nested":[1,2]}}`,
	`{"statusCode":200,"multiValueHeaders":{"Vary":["Origin","Accept"]},"headers":null,"cookies":null}`,
	`{"statusCode":200,"body":"\ud800 \u00e9 \u003c"}`,
	"{\"statusCode\":200,\"body\":\"\xff\"}",
	`{"statusCode":"200"}`,
	`{"statusCode":200.5}`,
	`{"statusCode":2e2}`,
	`{"statusCode":200,"isBase64Encoded":"true"}`,
	`"just a string"`,
	`{"statusCode":200} trailing`,
	`[]`,
	`null`,
	``,
}

func TestResponsesReadAsEncodingJSONReadsThem(t *testing.T) {
	t.Parallel()
	for _, a := range answers {
		sameAsEncodingJSON(t, []byte(a))
	}
}

func FuzzResponsesReadAsEncodingJSONReadsThem(f *testing.F) {
	for _, a := range answers {
		f.Add([]byte(a))
	}
	f.Fuzz(sameAsEncodingJSON)
}

func sameAsEncodingJSON(t *testing.T, payload []byte) {
	var want, got events.APIGatewayV2HTTPResponse
	wantErr := json.Unmarshal(payload, &want)
	gotErr := jsonv1.Unmarshal(payload, &got)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q: encoding/json's error %v, jsonv1's %v", payload, wantErr, gotErr)
	}
	if wantErr != nil {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%q read differently (-encoding/json +jsonv1):\n%s", payload, diff)
	}
}
