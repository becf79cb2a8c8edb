package jwtauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseJWKSRoundTrip(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	data, err := s.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParseJWKS(data)
	if err != nil {
		t.Fatalf("ParseJWKS(Signer.JWKS()): %v", err)
	}
	got, err := keys.KeyFor(s.KeyID())
	if err != nil {
		t.Fatalf("KeyFor(%q): %v", s.KeyID(), err)
	}
	if !got.Equal(s.PublicKey()) {
		t.Error("KeyFor returned another key than the Signer's")
	}
	if _, err := keys.KeyFor("nope"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("KeyFor(unknown) error = %v, want ErrUnknownKey", err)
	}
}

func TestParseJWKS(t *testing.T) {
	t.Parallel()
	rsaPub := &testKey().PublicKey
	otherPub := &otherKey().PublicKey
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwk := func(key any, kid, alg, use string) json.RawMessage {
		b, err := json.Marshal(jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: alg, Use: use})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	set := func(keys ...json.RawMessage) []byte {
		b, err := json.Marshal(map[string][]json.RawMessage{"keys": keys})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	tests := []struct {
		name     string
		data     []byte
		wantKids []string // kids the set resolves; nil: ParseJWKS fails
	}{
		{"Cognito-shaped set of two", set(jwk(rsaPub, "a", "RS256", "sig"), jwk(otherPub, "b", "RS256", "sig")), []string{"a", "b"}},
		{"alg and use absent", set(jwk(rsaPub, "a", "", "")), []string{"a"}},
		{"skips EC key", set(jwk(&ecKey.PublicKey, "ec", "ES256", "sig"), jwk(rsaPub, "a", "RS256", "sig")), []string{"a"}},
		{"skips encryption key", set(jwk(otherPub, "enc", "RSA-OAEP", "enc"), jwk(rsaPub, "a", "RS256", "sig")), []string{"a"}},
		{"skips RS512 key", set(jwk(otherPub, "b", "RS512", "sig"), jwk(rsaPub, "a", "RS256", "sig")), []string{"a"}},
		{"skips key without kid", set(jwk(otherPub, "", "RS256", "sig"), jwk(rsaPub, "a", "RS256", "sig")), []string{"a"}},
		{"skips unknown kty", set(json.RawMessage(`{"kty":"XYZ","kid":"x"}`), jwk(rsaPub, "a", "RS256", "sig")), []string{"a"}},
		{"not JSON", []byte("nope"), nil},
		{"no keys", []byte(`{"keys":[]}`), nil},
		{"only unusable keys", set(jwk(&ecKey.PublicKey, "ec", "ES256", "sig")), nil},
		{"private key", set(jwk(testKey(), "a", "RS256", "sig")), nil},
		{"duplicate kid", set(jwk(rsaPub, "a", "RS256", "sig"), jwk(otherPub, "a", "RS256", "sig")), nil},
		{"broken RSA key", set(json.RawMessage(`{"kty":"RSA","kid":"a","n":"!!","e":"AQAB"}`)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys, err := ParseJWKS(tt.data)
			if tt.wantKids == nil {
				if err == nil {
					t.Fatal("ParseJWKS succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseJWKS: %v", err)
			}
			var got []string
			for kid := range keys.(jwkSet) {
				got = append(got, kid)
			}
			if diff := cmp.Diff(tt.wantKids, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("kids mismatch (-want +got):\n%s", diff)
			}
			for _, kid := range tt.wantKids {
				if _, err := keys.KeyFor(kid); err != nil {
					t.Errorf("KeyFor(%q): %v", kid, err)
				}
			}
		})
	}
}
