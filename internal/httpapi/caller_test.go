package httpapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/eventboard/eventboard/internal/httpapi"
)

func authorized(authorization string) httpapi.Request {
	req := request(map[string]string{"authorization": authorization})
	req.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{
			"sub": "sub-1", "username": "alice", "token_use": "access", "iat": "1764028800", "origin_jti": "o-1",
		}},
	}
	return req
}

// API Gateway's authorizer accepts a bare token and checks the first of two
// headers; the Lambda read another form and answered otherwise. Every form
// but "Bearer <token>" is now refused alike.
func TestAuthorizationOtherThanOneBearerTokenIsRefused(t *testing.T) {
	t.Parallel()
	const tok = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdWItMSJ9.c2ln"
	for _, tc := range []struct {
		name, header string
		ok           bool
	}{
		{"bearer", "Bearer " + tok, true},
		{"scheme in any case", "bEARER " + tok, true},
		{"bare token", tok, false},
		{"tab", "Bearer\t" + tok, false},
		{"two spaces", "Bearer  " + tok, false},
		{"trailing space", "Bearer " + tok + " ", false},
		{"two headers joined", "Bearer " + tok + ",Bearer " + tok, false},
		{"other scheme", "Basic " + tok, false},
		{"empty token", "Bearer ", false},
		{"oversized token", "Bearer " + strings.Repeat("a", 9<<10), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := httpapi.ParseBearer(tc.header)
			if ok != tc.ok || (ok && got != tok) {
				t.Errorf("ParseBearer = %q, %v; want ok=%v", got, ok, tc.ok)
			}
			c, err := httpapi.CallerFrom(authorized(tc.header))
			if tc.ok && (err != nil || c.AccessToken != tok) {
				t.Errorf("CallerFrom = %+v, %v", c, err)
			}
			if !tc.ok && code(t, err) != "UNAUTHORIZED" {
				t.Errorf("CallerFrom error %v, want UNAUTHORIZED", err)
			}
		})
	}
}
