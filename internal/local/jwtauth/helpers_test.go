package jwtauth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testIssuer   = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Local"
	testClientID = "localclient0000000000000001"
)

// testNow is the fixed clock of the tests.
var testNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// RSA key generation takes tens of milliseconds, so tests share two keys.
var (
	testKey  = sync.OnceValue(func() *rsa.PrivateKey { return mustKey(keyBits) })
	otherKey = sync.OnceValue(func() *rsa.PrivateKey { return mustKey(keyBits) })
)

func mustKey(bits int) *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return key
}

func testSigner(tb testing.TB) *Signer {
	tb.Helper()
	s, err := NewSigner(testKey(), "")
	if err != nil {
		tb.Fatalf("NewSigner: %v", err)
	}
	return s
}

func testAuthorizer(tb testing.TB, keys KeySet) *Authorizer {
	tb.Helper()
	a, err := NewAuthorizer(AuthorizerConfig{
		Issuer:   testIssuer,
		Audience: []string{"someotherclient", testClientID},
		Keys:     keys,
		Now:      fixedNow,
	})
	if err != nil {
		tb.Fatalf("NewAuthorizer: %v", err)
	}
	return a
}

func testAccessParams() AccessTokenParams {
	return AccessTokenParams{
		Subject:   SubjectFor("alice"),
		Username:  "alice",
		Issuer:    testIssuer,
		ClientID:  testClientID,
		OriginJTI: "5b0f8bd3-7c1e-4a53-9c54-0f3b4f8f2f11",
		EventID:   "0a3c4f57-3d36-4d6b-8a8c-3f6a2b1d9e22",
		AuthTime:  testNow.Add(-10 * time.Minute),
		Lifetime:  time.Hour,
		Now:       fixedNow,
	}
}

// accessClaimsAt returns the claims of a valid Cognito access token for the
// test pool, issued at now; cases edit a copy to make it invalid.
func accessClaimsAt(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"sub":        SubjectFor("alice"),
		"iss":        testIssuer,
		"client_id":  testClientID,
		"origin_jti": "5b0f8bd3-7c1e-4a53-9c54-0f3b4f8f2f11",
		"event_id":   "0a3c4f57-3d36-4d6b-8a8c-3f6a2b1d9e22",
		"token_use":  "access",
		"scope":      UserAdminScope,
		"auth_time":  now.Unix(),
		"exp":        now.Add(time.Hour).Unix(),
		"iat":        now.Unix(),
		"jti":        "9d1e7c55-2f0b-4d8e-b1a3-6c7d8e9f0a33",
		"username":   "alice",
	}
}

// forge signs claims with any method and key, for tokens the Signer would
// never issue. An empty kid leaves the header without one.
func forge(tb testing.TB, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	tb.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		tb.Fatalf("forge: %v", err)
	}
	return s
}

// absent, as a change given to with, deletes the claim; nil sets it to null.
var absent = struct{ absent bool }{true}

// with returns a copy of c with the given changes.
func with(c jwt.MapClaims, changes map[string]any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for k, v := range changes {
		if v == absent {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// decodeSegment returns the JSON object in segment i (0 header, 1 payload)
// of a compact JWS, numbers as json.Number.
func decodeSegment(tb testing.TB, token string, i int) map[string]any {
	tb.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		tb.Fatalf("token has %d segments", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		tb.Fatalf("decode segment %d: %v", i, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		tb.Fatalf("unmarshal segment %d: %v", i, err)
	}
	return m
}
