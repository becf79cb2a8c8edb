package cognitolocal

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProtocol(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name        string
		method      string
		path        string
		target      string
		contentType string
		body        string
		wantStatus  int
		wantType    string // __type and x-amzn-ErrorType; "" for success
	}{
		{name: "any path serves the API", path: "/some/prefix/", target: "AWSCognitoIdentityProviderService.ResendConfirmationCode",
			body: `{"ClientId":"eventboardlocalclient","Username":"nobody"}`, wantStatus: 200},
		{name: "unknown operation", target: "AWSCognitoIdentityProviderService.ChangePassword", body: `{}`,
			wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "another service", target: "DynamoDB_20120810.ListTables", body: `{}`,
			wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "no target", body: `{}`, wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "GET", method: http.MethodGet, target: "AWSCognitoIdentityProviderService.GetUser",
			wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "wrong content type", target: "AWSCognitoIdentityProviderService.GetUser", contentType: "text/plain",
			body: `{}`, wantStatus: 400, wantType: "SerializationException"},
		{name: "malformed JSON", target: "AWSCognitoIdentityProviderService.GetUser", body: `{"AccessToken":`,
			wantStatus: 400, wantType: "SerializationException"},
		{name: "missing member", target: "AWSCognitoIdentityProviderService.GetUser", body: `{}`,
			wantStatus: 400, wantType: "InvalidParameterException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(orDefault(tt.method, http.MethodPost), f.url+orDefault(tt.path, "/"), strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			req.Header.Set("Content-Type", orDefault(tt.contentType, "application/x-amz-json-1.1"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d; body %s", resp.StatusCode, tt.wantStatus, raw)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type %q", ct)
			}
			if resp.Header.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
			if tt.wantType == "" {
				return
			}
			var body map[string]string
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("error body %s: %v", raw, err)
			}
			if body["__type"] != tt.wantType || body["message"] == "" || len(body) != 2 {
				t.Errorf("error body %s, want {__type: %s, message: …}", raw, tt.wantType)
			}
			if got := resp.Header.Get("x-amzn-ErrorType"); got != tt.wantType {
				t.Errorf("x-amzn-ErrorType %q, want %q", got, tt.wantType)
			}
		})
	}
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	relaxed := PasswordPolicy{MinLength: 6}
	tests := []struct {
		name     string
		policy   PasswordPolicy
		password string
		want     string // "" when accepted
	}{
		{"default accepts", DefaultPasswordPolicy, "Aa1!aaaa", ""},
		{"space is a symbol", DefaultPasswordPolicy, "Aa1 aaaa", ""},
		{"unicode letters are not lowercase", DefaultPasswordPolicy, "ÄÖ1!ÜÉÈÀ", "Password must have lowercase characters"},
		{"relaxed accepts short and plain", relaxed, "abcdef", ""},
		{"relaxed length", relaxed, "abcde", "Password not long enough"},
		{"zero MinLength means 8", PasswordPolicy{RequireNumbers: true}, "1234567", "Password not long enough"},
		{"too long", relaxed, strings.Repeat("a", 257), "Member must have length less than or equal to 256"},
		{"empty", relaxed, "", "Member must not be null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.policy.check("password", tt.password)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("check(%q) = %v, want accepted", tt.password, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("check(%q) = %v, want %q", tt.password, err, tt.want)
			}
		})
	}
}

func TestMaskEmail(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"alice@example.com":      "a***@e***.com",
		"t.user@tut.by":          "t***@t***.by",
		"x@localhost":            "x***@l***",
		"émile@exemple.fr":       "é***@e***.fr",
		"bob@mail.example.co.uk": "b***@m***.uk",
	}
	got := map[string]string{}
	for in := range tests {
		got[in] = maskEmail(in)
	}
	if diff := cmp.Diff(tests, got); diff != "" {
		t.Errorf("maskEmail mismatch (-want +got):\n%s", diff)
	}
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h1, err := hashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := hashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 || !strings.HasPrefix(h1, "$scrypt$ln=") || strings.Contains(h1, testPassword) {
		t.Errorf("hashes %q and %q: want salted scrypt hashes", h1, h2)
	}
	for _, tt := range []struct {
		hash, password string
		want           bool
	}{
		{h1, testPassword, true},
		{h2, testPassword, true},
		{h1, testPassword + "!", false},
		{"", testPassword, false},
		{"$scrypt$ln=99,r=8,p=1$AAAA$AAAA", testPassword, false},
	} {
		if got, err := passwordMatches(tt.hash, tt.password); err != nil || got != tt.want {
			t.Errorf("passwordMatches(%.20q, %q) = %v, want %v", tt.hash, tt.password, got, tt.want)
		}
	}
}
