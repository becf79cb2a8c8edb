package apigw

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

// readResponse must read every answer as encoding/json reads it: the same
// fields, or an error for both.

var answers = []string{
	`{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"a\":1}"}`,
	`{"statusCode":202,"headers":{"Content-Type":"text/plain"},"cookies":["a=1; HttpOnly","b=2"],"body":"aGVsbG8=","isBase64Encoded":true}`,
	`{"STATUSCODE":201,"statusCode":204,"Body":"x","extra":{"nested":[1,2]}}`,
	`{"statusCode":200,"statusCode":201}`,
	`{"statusCode":200,"multiValueHeaders":{"Vary":["Origin","Accept"],"X-Empty":[]},"headers":null,"cookies":null}`,
	`{"statusCode":200,"headers":{"A":"1","A":"2"},"cookies":[]}`,
	` { "statusCode" : -0 , "headers" : { } , "body" : null , "isBase64Encoded" : null } `,
	`{"statusCode":200,"body":"\ud800 \u00e9 \u003c \u0000 \/ \b\f\n\r\t"}`,
	`{"statusCode":200,"body":"\ud83d\ude00"}`,
	"{\"statusCode\":200,\"body\":\"\xff\"}",
	"{\"statusCode\":200,\"body\":\"a\x01\"}",
	`{"statusCode":"200"}`,
	`{"statusCode":200.5}`,
	`{"statusCode":2e2}`,
	`{"statusCode":0200}`,
	`{"statusCode":99999999999999999999}`,
	`{"statusCode":200,"isBase64Encoded":"true"}`,
	`{"statusCode":200,"headers":{"A":null}}`,
	`{"statusCode":200,}`,
	`{"statusCode":200} trailing`,
	`"just a string"`,
	`[]`,
	`null`,
	`{}`,
	``,
}

// What aws-lambda-go writes for the answers the functions give.
func lambdaAnswers(t testing.TB) [][]byte {
	var out [][]byte
	for _, resp := range []events.APIGatewayV2HTTPResponse{
		{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}, Body: `{"title":"<b>é & \"x\"</b>","content":"line\nnext\u2028"}`},
		{StatusCode: 204, Headers: map[string]string{"X-Correlation-Id": "c"}},
		{StatusCode: 200, Cookies: []string{"refresh=abc; Path=/api/auth; HttpOnly; Secure; SameSite=Strict"}, MultiValueHeaders: map[string][]string{"Vary": {"Origin"}}},
		{StatusCode: 200, Body: "aGVsbG8=", IsBase64Encoded: true},
	} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // as lambda.NewHandler encodes
		if err := enc.Encode(resp); err != nil {
			t.Fatal(err)
		}
		out = append(out, bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	}
	return out
}

func TestResponsesReadAsEncodingJSONReadsThem(t *testing.T) {
	t.Parallel()
	for _, a := range answers {
		sameAsEncodingJSON(t, []byte(a))
	}
	for _, a := range lambdaAnswers(t) {
		sameAsEncodingJSON(t, a)
	}
}

// The answers the functions give take the way without reflection.
func TestLambdaAnswersAreReadWithoutReflection(t *testing.T) {
	t.Parallel()
	for _, a := range lambdaAnswers(t) {
		r := responseReader{b: a}
		if _, ok := r.read(); !ok {
			t.Errorf("%s: read by jsonv1", a)
		}
	}
}

func FuzzResponsesReadAsEncodingJSONReadsThem(f *testing.F) {
	for _, a := range answers {
		f.Add([]byte(a))
	}
	for _, a := range lambdaAnswers(f) {
		f.Add(a)
	}
	f.Fuzz(sameAsEncodingJSON)
}

func sameAsEncodingJSON(t *testing.T, payload []byte) {
	var want events.APIGatewayV2HTTPResponse
	wantErr := json.Unmarshal(payload, &want)
	got, gotErr := readResponse(payload)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q: encoding/json's error %v, readResponse's %v", payload, wantErr, gotErr)
	}
	if wantErr != nil {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%q read differently (-encoding/json +readResponse):\n%s", payload, diff)
	}
}

// Arbitrary bytes between the quotes of a string of the plain shape, to
// hold the reader's escapes and UTF-8 to encoding/json's.
func FuzzResponseStringsReadAsEncodingJSONReadsThem(f *testing.F) {
	f.Add(`plain`, `x`)
	f.Add(`\"\\\/\b\f\n\r\t\u00e9\u2028\ud83d\ude00`, `\ud800`)
	f.Add("é\xff\x7f", `\u00zz`)
	f.Fuzz(func(t *testing.T, body, header string) {
		sameAsEncodingJSON(t, []byte(`{"statusCode":200,"headers":{"X":"`+header+`"},"body":"`+body+`","cookies":["`+header+`"]}`))
	})
}
