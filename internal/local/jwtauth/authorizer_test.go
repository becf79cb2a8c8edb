package jwtauth

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

func TestAuthorizeRefuses(t *testing.T) {
	t.Parallel()
	signer := testSigner(t)
	authz := testAuthorizer(t, signer)
	kid := signer.KeyID()
	valid := accessClaimsAt(testNow)
	rs256 := func(c jwt.MapClaims) string { return forge(t, jwt.SigningMethodRS256, testKey(), kid, c) }

	pubDER, err := x509.MarshalPKIXPublicKey(signer.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	good := rs256(valid)
	parts := strings.Split(good, ".")
	tamperedPayload := base64.RawURLEncoding.EncodeToString([]byte(
		strings.Replace(string(mustDecode(t, parts[1])), `"alice"`, `"mallory"`, 1)))
	tampered := parts[0] + "." + tamperedPayload + "." + parts[2]

	unauthorizedBy := func(reason string) *AuthError {
		return &AuthError{Status: http.StatusUnauthorized, Reason: reason}
	}
	tests := []struct {
		name   string
		header string
		scopes []string
		want   *AuthError
	}{
		{"no header", "", nil, unauthorizedBy(reasonNoToken)},
		{"blank header", "   ", nil, unauthorizedBy(reasonNoToken)},
		{"empty bearer", "Bearer", nil, unauthorizedBy(reasonNoToken)},
		{"empty bearer with space", "Bearer   ", nil, unauthorizedBy(reasonNoToken)},
		{"garbage", "Bearer not-a-jwt", nil, unauthorizedBy(reasonMalformed)},
		{"garbage in three segments", "Bearer a.b.c", nil, unauthorizedBy(reasonMalformed)},
		{"other scheme", "Basic " + good, nil, unauthorizedBy(reasonNoToken)},
		// Finding 3: the forms a Lambda would read differently.
		{"bare token", good, nil, unauthorizedBy(reasonNoToken)},
		{"tab after the scheme", "Bearer\t" + good, nil, unauthorizedBy(reasonNoToken)},
		{"extra blanks", "  Bearer  " + good + " ", nil, unauthorizedBy(reasonNoToken)},
		{"two headers joined", "Bearer " + good + ",Bearer " + good, nil, unauthorizedBy(reasonNoToken)},
		{"alg none", "Bearer " + forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, valid), nil, unauthorizedBy(reasonAlgorithm)},
		{"alg none without signature segment", "Bearer " + strings.TrimSuffix(forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, valid), "."), nil, unauthorizedBy(reasonMalformed)},
		{"HS256 keyed with the public key PEM", "Bearer " + forge(t, jwt.SigningMethodHS256, pubPEM, kid, valid), nil, unauthorizedBy(reasonAlgorithm)},
		{"HS256 keyed with the public key DER", "Bearer " + forge(t, jwt.SigningMethodHS256, pubDER, kid, valid), nil, unauthorizedBy(reasonAlgorithm)},
		{"RS512 with the right key", "Bearer " + forge(t, jwt.SigningMethodRS512, testKey(), kid, valid), nil, unauthorizedBy(reasonAlgorithm)},
		{"PS256 with the right key", "Bearer " + forge(t, jwt.SigningMethodPS256, testKey(), kid, valid), nil, unauthorizedBy(reasonAlgorithm)},
		{"unregistered alg", "Bearer " + withHeader(t, good, `{"kid":"`+kid+`","alg":"XX999"}`), nil, unauthorizedBy(reasonAlgorithm)},
		{"no alg", "Bearer " + withHeader(t, good, `{"kid":"`+kid+`"}`), nil, unauthorizedBy(reasonAlgorithm)},
		{"unknown kid", "Bearer " + forge(t, jwt.SigningMethodRS256, testKey(), "someone-elses-kid", valid), nil, unauthorizedBy(reasonUnknownKey)},
		{"no kid", "Bearer " + forge(t, jwt.SigningMethodRS256, testKey(), "", valid), nil, unauthorizedBy(reasonUnknownKey)},
		{"tampered payload", "Bearer " + tampered, nil, unauthorizedBy(reasonSignature)},
		{"signed by another key under our kid", "Bearer " + forge(t, jwt.SigningMethodRS256, otherKey(), kid, valid), nil, unauthorizedBy(reasonSignature)},
		{"expired", "Bearer " + rs256(with(valid, map[string]any{"exp": testNow.Add(-time.Second).Unix()})), nil, unauthorizedBy(reasonExpired)},
		{"expiring this second", "Bearer " + rs256(with(valid, map[string]any{"exp": testNow.Unix()})), nil, unauthorizedBy(reasonExpired)},
		{"no exp", "Bearer " + rs256(with(valid, map[string]any{"exp": absent})), nil, unauthorizedBy(reasonNoExpiry)},
		{"exp as a string", "Bearer " + rs256(with(valid, map[string]any{"exp": "4102444800"})), nil, unauthorizedBy(reasonInvalidClaims)},
		{"nbf in the future", "Bearer " + rs256(with(valid, map[string]any{"nbf": testNow.Add(time.Second).Unix()})), nil, unauthorizedBy(reasonNotYetValid)},
		{"iat in the future", "Bearer " + rs256(with(valid, map[string]any{"iat": testNow.Add(time.Second).Unix()})), nil, unauthorizedBy(reasonIssuedInFuture)},
		{"wrong issuer", "Bearer " + rs256(with(valid, map[string]any{"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"})), nil, unauthorizedBy(reasonIssuer)},
		{"issuer with trailing slash", "Bearer " + rs256(with(valid, map[string]any{"iss": testIssuer + "/"})), nil, unauthorizedBy(reasonIssuer)},
		{"no issuer", "Bearer " + rs256(with(valid, map[string]any{"iss": absent})), nil, unauthorizedBy(reasonIssuer)},
		{"wrong client_id", "Bearer " + rs256(with(valid, map[string]any{"client_id": "anotherclient"})), nil, unauthorizedBy(reasonAudience)},
		{"no client_id and no aud", "Bearer " + rs256(with(valid, map[string]any{"client_id": absent})), nil, unauthorizedBy(reasonAudience)},
		{"wrong aud beats right client_id", "Bearer " + rs256(with(valid, map[string]any{"aud": "anotherclient"})), nil, unauthorizedBy(reasonAudience)},
		{"ID token", "Bearer " + issueID(t, signer), nil, unauthorizedBy(reasonNotAccessToken)},
		{"no token_use", "Bearer " + rs256(with(valid, map[string]any{"token_use": absent})), nil, unauthorizedBy(reasonNotAccessToken)},
		{"missing scope", "Bearer " + good, []string{"posts/write"}, &AuthError{
			Status: http.StatusForbidden, Reason: reasonNoRequiredScope, RequiredScopes: []string{"posts/write"},
		}},
		{"scope claim absent", "Bearer " + rs256(with(valid, map[string]any{"scope": absent})), []string{UserAdminScope}, &AuthError{
			Status: http.StatusForbidden, Reason: reasonNoRequiredScope, RequiredScopes: []string{UserAdminScope},
		}},
		{"scp takes precedence over scope", "Bearer " + rs256(with(valid, map[string]any{"scp": []any{"posts/read"}})), []string{UserAdminScope}, &AuthError{
			Status: http.StatusForbidden, Reason: reasonNoRequiredScope, RequiredScopes: []string{UserAdminScope},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := authz.Authorize(tt.header, tt.scopes)
			if got != nil {
				t.Errorf("Authorize returned %+v, want nil", got)
			}
			var authErr *AuthError
			if !errors.As(err, &authErr) {
				t.Fatalf("Authorize error = %v, want *AuthError", err)
			}
			if diff := cmp.Diff(tt.want, authErr); diff != "" {
				t.Errorf("Authorize error mismatch (-want +got):\n%s", diff)
			}
			if tok := bearerToken(tt.header); len(tok) > 0 && strings.Contains(err.Error(), tok) {
				t.Errorf("error %q contains the token", err)
			}
		})
	}
}

func TestAuthorizeAcceptsAccessToken(t *testing.T) {
	t.Parallel()
	signer := testSigner(t)
	authz := testAuthorizer(t, signer)
	p := testAccessParams()
	issued, err := signer.IssueAccessToken(p)
	if err != nil {
		t.Fatal(err)
	}
	unix := func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
	wantClaims := map[string]string{
		"sub":        p.Subject,
		"iss":        testIssuer,
		"client_id":  testClientID,
		"origin_jti": p.OriginJTI,
		"event_id":   p.EventID,
		"token_use":  "access",
		"scope":      "aws.cognito.signin.user.admin",
		"auth_time":  unix(p.AuthTime),
		"exp":        unix(testNow.Add(time.Hour)),
		"iat":        unix(testNow),
		"jti":        issued.JTI,
		"username":   "alice",
	}

	tests := []struct {
		name   string
		header string
		scopes []string
		want   *Authorization
	}{
		{"bearer, no route scopes", "Bearer " + issued.Token, nil, &Authorization{Claims: wantClaims}},
		{"lower-case scheme", "bearer " + issued.Token, nil, &Authorization{Claims: wantClaims}},
		{"upper-case scheme", "BEARER " + issued.Token, nil, &Authorization{Claims: wantClaims}},
		{"route scope held", "Bearer " + issued.Token, []string{UserAdminScope},
			&Authorization{Claims: wantClaims, Scopes: []string{UserAdminScope}}},
		{"one of several route scopes held", "Bearer " + issued.Token, []string{"posts/write", UserAdminScope},
			&Authorization{Claims: wantClaims, Scopes: []string{UserAdminScope}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := authz.Authorize(tt.header, tt.scopes)
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Authorize mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAuthorizeEdgesOfValidity covers tokens AWS accepts that a stricter
// verifier might not, so the local stack does not refuse them either.
func TestAuthorizeEdgesOfValidity(t *testing.T) {
	t.Parallel()
	signer := testSigner(t)
	valid := accessClaimsAt(testNow)
	rs256 := func(c jwt.MapClaims) string { return forge(t, jwt.SigningMethodRS256, testKey(), signer.KeyID(), c) }

	tests := []struct {
		name   string
		leeway time.Duration
		claims jwt.MapClaims
		scopes []string
		want   *Authorization
	}{
		{"expiring next second", 0, with(valid, map[string]any{"exp": testNow.Add(time.Second).Unix()}), nil, nil},
		{"nbf and iat equal to now", 0, with(valid, map[string]any{"nbf": testNow.Unix()}), nil, nil},
		{"no iat", 0, with(valid, map[string]any{"iat": absent}), nil, nil},
		{"expired within leeway", time.Minute, with(valid, map[string]any{"exp": testNow.Add(-30 * time.Second).Unix()}), nil, nil},
		{"iat within leeway", time.Minute, with(valid, map[string]any{"iat": testNow.Add(30 * time.Second).Unix()}), nil, nil},
		{"aud string beats wrong client_id", 0, with(valid, map[string]any{"aud": testClientID, "client_id": "anotherclient"}), nil, nil},
		{"aud array, one element ours", 0, with(valid, map[string]any{"aud": []any{"x", testClientID}, "client_id": absent}), nil, nil},
		{"null aud falls back to client_id", 0, with(valid, map[string]any{"aud": nil}), nil, nil},
		{"scp as a string", 0, with(valid, map[string]any{"scp": "posts/read posts/write"}), []string{"posts/write"},
			&Authorization{Scopes: []string{"posts/read", "posts/write"}}},
		{"scp as an array", 0, with(valid, map[string]any{"scp": []any{"posts/read", "posts/write"}}), []string{"posts/read"},
			&Authorization{Scopes: []string{"posts/read", "posts/write"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			authz, err := NewAuthorizer(AuthorizerConfig{
				Issuer: testIssuer, Audience: []string{testClientID}, Keys: signer, Now: fixedNow, Leeway: tt.leeway,
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := authz.Authorize("Bearer "+rs256(tt.claims), tt.scopes)
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			want := tt.want
			if want == nil {
				want = &Authorization{}
			}
			if diff := cmp.Diff(want.Scopes, got.Scopes); diff != "" {
				t.Errorf("Scopes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuthorizeRendersClaimsAsAPIGateway(t *testing.T) {
	t.Parallel()
	signer := testSigner(t)
	authz := testAuthorizer(t, signer)
	claims := with(accessClaimsAt(testNow), map[string]any{
		"cognito:groups":  []any{"admin", "ops"},
		"email_verified":  true,
		"custom:ratio":    1.5,
		"custom:big":      int64(1 << 53),
		"custom:nested":   map[string]any{"b": 1, "a": "x"},
		"custom:emptyArr": []any{},
		"custom:null":     nil,
	})
	token := forge(t, jwt.SigningMethodRS256, testKey(), signer.KeyID(), claims)

	got, err := authz.Authorize("Bearer "+token, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"cognito:groups":  "[admin ops]",
		"email_verified":  "true",
		"custom:ratio":    "1.5",
		"custom:big":      "9007199254740992",
		"custom:nested":   `{"a":"x","b":1}`,
		"custom:emptyArr": "[]",
		"exp":             strconv.FormatInt(testNow.Add(time.Hour).Unix(), 10),
	}
	for name, w := range want {
		if g, ok := got.Claims[name]; !ok || g != w {
			t.Errorf("Claims[%q] = %q (present %v), want %q", name, g, ok, w)
		}
	}
	if _, ok := got.Claims["custom:null"]; ok {
		t.Errorf("Claims has custom:null, want null claims left out")
	}
}

func TestAuthorizeWithJWKSKeySet(t *testing.T) {
	t.Parallel()
	signer := testSigner(t)
	jwks, err := signer.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParseJWKS(jwks)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := signer.IssueAccessToken(testAccessParams())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testAuthorizer(t, keys).Authorize("Bearer "+issued.Token, []string{UserAdminScope}); err != nil {
		t.Errorf("Authorize with the parsed JWKS: %v", err)
	}
}

func TestAuthorizeRealClock(t *testing.T) {
	t.Parallel()
	signer := testSigner(t)
	authz, err := NewAuthorizer(AuthorizerConfig{Issuer: testIssuer, Audience: []string{testClientID}, Keys: signer})
	if err != nil {
		t.Fatal(err)
	}
	p := testAccessParams()
	p.Now, p.AuthTime = nil, time.Time{}
	issued, err := signer.IssueAccessToken(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := authz.Authorize("Bearer "+issued.Token, nil); err != nil {
		t.Errorf("Authorize of a fresh token: %v", err)
	}
}

func TestNewAuthorizerRejectsBadConfig(t *testing.T) {
	t.Parallel()
	signer := testSigner(t)
	base := AuthorizerConfig{Issuer: testIssuer, Audience: []string{testClientID}, Keys: signer}
	tests := []struct {
		name   string
		change func(*AuthorizerConfig)
	}{
		{"no issuer", func(c *AuthorizerConfig) { c.Issuer = "" }},
		{"no audience", func(c *AuthorizerConfig) { c.Audience = nil }},
		{"empty client id", func(c *AuthorizerConfig) { c.Audience = []string{testClientID, ""} }},
		{"no keys", func(c *AuthorizerConfig) { c.Keys = nil }},
		{"negative leeway", func(c *AuthorizerConfig) { c.Leeway = -time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := base
			tt.change(&cfg)
			if _, err := NewAuthorizer(cfg); err == nil {
				t.Error("NewAuthorizer succeeded, want an error")
			}
		})
	}
}

func TestAuthErrorResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        *AuthError
		wantBody   string
		wantHeader string
	}{
		{
			name:       "401",
			err:        unauthorized(reasonAudience),
			wantBody:   `{"message":"Unauthorized"}`,
			wantHeader: `Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`,
		},
		{
			name:       "403",
			err:        &AuthError{Status: http.StatusForbidden, Reason: reasonNoRequiredScope, RequiredScopes: []string{"a", "b"}},
			wantBody:   `{"message":"Forbidden"}`,
			wantHeader: `Bearer scope="a b" error="insufficient_scope" error_description="the token does not have any of the route's scopes"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.wantBody, tt.err.Body()); diff != "" {
				t.Errorf("Body mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantHeader, tt.err.WWWAuthenticate()); diff != "" {
				t.Errorf("WWWAuthenticate mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkAuthorize(b *testing.B) {
	signer := testSigner(b)
	authz := testAuthorizer(b, signer)
	issued, err := signer.IssueAccessToken(testAccessParams())
	if err != nil {
		b.Fatal(err)
	}
	header := "Bearer " + issued.Token
	scopes := []string{UserAdminScope}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := authz.Authorize(header, scopes); err != nil {
			b.Fatal(err)
		}
	}
}

func mustDecode(tb testing.TB, seg string) []byte {
	tb.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// withHeader replaces the header of a compact JWS, keeping payload and
// signature.
func withHeader(tb testing.TB, token, header string) string {
	tb.Helper()
	_, rest, ok := strings.Cut(token, ".")
	if !ok {
		tb.Fatalf("not a JWS: %q", token)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + rest
}

func issueID(tb testing.TB, s *Signer) string {
	tb.Helper()
	issued, err := s.IssueIDToken(IDTokenParams{
		Subject: SubjectFor("alice"), Username: "alice", Email: "alice@example.com", EmailVerified: true,
		Issuer: testIssuer, ClientID: testClientID, Now: fixedNow,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return issued.Token
}
