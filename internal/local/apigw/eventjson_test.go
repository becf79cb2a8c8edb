package apigw

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// The gateway writes the event's JSON by hand; what it writes must stay
// what encoding/json writes for the event's declared shape, byte for byte.

func TestEventJSONIsEncodingJSONs(t *testing.T) {
	t.Parallel()
	get := httptest.NewRequest("GET", "/api/things/42?a=1&a=2&b=x%20y&c=%3Cscript%3E", nil)
	get.Header.Set("Cookie", "refresh=abc; theme=dark")
	get.Header.Add("X-Multi", "one")
	get.Header.Add("X-Multi", "two")
	get.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) \"quoted\" <tag> & \u2028 é \x7f \x01")
	get.Header.Set("X-Invalid", "a\xffb\xc3")
	post := httptest.NewRequest("POST", "http://board.localhost:8080/api/files/a%2Fb/c.txt", strings.NewReader("x"))
	post.RemoteAddr = "[::1]:4000"

	tests := []struct {
		name string
		ev   *event
	}{
		{"a read with query, cookies and odd headers", buildEvent(get, nil, "GET /api/things/{id}", []string{"id"}, "req-1")},
		{"a body and a greedy path", buildEvent(post, []byte("{\"a\":\"é\\n\"}"), "POST /api/files/{path+}", []string{"path"}, "req-2")},
		{"nothing optional", &event{Version: "2.0"}},
		{"empty but not nil", &event{Cookies: []string{}, Headers: map[string]string{}, QueryStringParameters: map[string]string{}, PathParameters: map[string]string{}}},
		{"a base64 body", &event{Body: "aGVsbG8=", IsBase64Encoded: true, Headers: map[string]string{"content-type": "application/octet-stream"}}},
		{"claims and scopes", withAuthorizer(&authorizerContext{JWT: &jwtContext{
			Claims: map[string]string{"sub": "abc", "username": "alice", "token_use": "access", "iat": "1700000000", "scope": "a b"},
			Scopes: []string{"a", "b"},
		}})},
		{"claims without scopes", withAuthorizer(&authorizerContext{JWT: &jwtContext{Claims: map[string]string{"sub": "abc"}}})},
		{"empty scopes", withAuthorizer(&authorizerContext{JWT: &jwtContext{Scopes: []string{}}})},
		{"no jwt", withAuthorizer(&authorizerContext{})},
		{"a function URL's IAM identity", withAuthorizer(&authorizerContext{IAM: &IAMIdentity{
			AccessKey: "LOCAL", AccountID: "000000000000", CallerID: "LOCAL:OriginAccessControl",
			UserARN: "arn:aws:sts::000000000000:assumed-role/OriginAccessControl/local", UserID: "LOCAL:\"quoted\" é",
		}})},
		{"both jwt and iam", withAuthorizer(&authorizerContext{JWT: &jwtContext{Claims: map[string]string{"sub": "abc"}}, IAM: &IAMIdentity{AccessKey: "k"}})},
		{"more headers than the stack buffer", &event{Headers: manyHeaders(40)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, err := json.Marshal(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.ev.appendJSON(nil); string(got) != string(want) {
				t.Errorf("appendJSON:\n%s\nencoding/json:\n%s", got, want)
			}
		})
	}
}

func FuzzEventJSONIsEncodingJSONs(f *testing.F) {
	f.Add("/api/things/1", "a=1", "Go-http-client/1.1", "refresh=abc", "x-y", "{\"a\":1}", "alice")
	f.Add("/p", "", "<\u2028\u2029>&\"\\\t\n\r\b\f\x00\x1f\x7f", "\xff", "\xc3\x28", "\xe2\x80", "é")
	f.Fuzz(func(t *testing.T, path, query, value, cookie, header, body, claim string) {
		ev := &event{
			Version:               "2.0",
			RouteKey:              "GET " + path,
			RawPath:               path,
			RawQueryString:        query,
			Cookies:               []string{cookie, value},
			Headers:               map[string]string{"user-agent": value, header: body, "host": claim},
			QueryStringParameters: map[string]string{query: value},
			PathParameters:        map[string]string{"id": claim},
			RequestContext: requestContext{
				Authorizer: &authorizerContext{
					JWT: &jwtContext{Claims: map[string]string{"username": claim, header: value}, Scopes: []string{claim}},
					IAM: &IAMIdentity{AccessKey: cookie, AccountID: query, CallerID: value, UserARN: header, UserID: claim},
				},
				DomainName: header,
				HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: header, Path: path, SourceIP: query, UserAgent: value},
				RequestID:  cookie,
				TimeEpoch:  int64(len(body)) - 1<<40,
			},
			Body: body,
		}
		want, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.appendJSON(nil); string(got) != string(want) {
			t.Errorf("appendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	})
}

func withAuthorizer(a *authorizerContext) *event {
	return &event{Version: "2.0", Headers: map[string]string{"authorization": "Bearer x"}, RequestContext: requestContext{Authorizer: a}}
}

func manyHeaders(n int) map[string]string {
	h := map[string]string{}
	for i := range n {
		h[strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26)] = strings.Repeat("v", i)
	}
	return h
}

// jsonSize is enough for the events a browser sends, so their JSON is
// written without growing the buffer.
func TestEventJSONSizeHoldsABrowsersRequest(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest("POST", "/api/posts/01JEXAMPLE0000000000000000?x=1", strings.NewReader(`{"title":"t","content":"c"}`))
	for k, v := range map[string]string{
		"Accept": "application/json", "Accept-Encoding": "gzip, deflate, br, zstd", "Accept-Language": "en-GB,en;q=0.9",
		"Authorization": "Bearer " + strings.Repeat("a", 800), "Content-Type": "application/json", "Cookie": "theme=dark",
		"Origin": "http://localhost:8080", "Referer": "http://localhost:8080/posts/01JEXAMPLE0000000000000000",
		"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin", "Idempotency-Key": "k-1",
		"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	} {
		req.Header.Set(k, v)
	}
	ev := buildEvent(req, []byte(`{"title":"t","content":"c"}`), "POST /api/posts/{id}", []string{"id"}, "req-1")
	ev.RequestContext.Authorizer = &authorizerContext{JWT: &jwtContext{
		Claims: map[string]string{"sub": "f0e1d2c3-b4a5-4697-8877-665544332211", "username": "alice", "token_use": "access", "iat": "1700000000", "exp": "1700003600", "jti": "j", "origin_jti": "o", "scope": "aws.cognito.signin.user.admin", "client_id": "c", "iss": "http://localhost:8080/local/idp"},
		Scopes: []string{"aws.cognito.signin.user.admin"},
	}}
	if n, size := len(ev.appendJSON(nil)), ev.jsonSize(); n > size {
		t.Errorf("the JSON is %d bytes, jsonSize %d", n, size)
	}
}
