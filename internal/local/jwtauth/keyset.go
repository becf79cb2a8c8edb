package jwtauth

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// ErrUnknownKey is returned, wrapped, by a [KeySet] that holds no key for the
// requested kid.
var ErrUnknownKey = errors.New("jwtauth: no key for kid")

// KeySet finds the public key that verifies tokens carrying a kid header.
//
// KeyFor returns an error wrapping [ErrUnknownKey] when it holds no key for
// kid. An [Authorizer] refuses the token (401) on any error. Implementations
// must be safe for concurrent use.
type KeySet interface {
	KeyFor(kid string) (*rsa.PublicKey, error)
}

// jwkSet is a KeySet read from a JWK Set document.
type jwkSet map[string]*rsa.PublicKey

var _ KeySet = jwkSet(nil)

// ParseJWKS reads a JWK Set document, such as Cognito's
// /.well-known/jwks.json or [Signer.JWKS], into a KeySet.
//
// The set keeps the RSA keys that may verify RS256 signatures: kty "RSA",
// a non-empty kid, "use" absent or "sig", "alg" absent or "RS256". As RFC 7517
// §5 advises, other keys (another kty or use or alg, a kty go-jose does not
// know) are skipped. ParseJWKS returns an error when the document is not a
// JWK Set, when a key holds private material, when two kept keys share a kid,
// or when no key is kept.
func ParseJWKS(data []byte) (KeySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("jwtauth.ParseJWKS: %w", err)
	}
	set := make(jwkSet, len(doc.Keys))
	for i, raw := range doc.Keys {
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(raw); err != nil {
			if errors.Is(err, jose.ErrUnsupportedKeyType) {
				continue
			}
			return nil, fmt.Errorf("jwtauth.ParseJWKS: key %d: %w", i, err)
		}
		if !jwk.IsPublic() {
			return nil, fmt.Errorf("jwtauth.ParseJWKS: key %d (kid %q) holds private key material", i, jwk.KeyID)
		}
		pub, ok := jwk.Key.(*rsa.PublicKey)
		if !ok || jwk.KeyID == "" ||
			(jwk.Use != "" && jwk.Use != "sig") ||
			(jwk.Algorithm != "" && jwk.Algorithm != algorithm) {
			continue
		}
		if _, dup := set[jwk.KeyID]; dup {
			return nil, fmt.Errorf("jwtauth.ParseJWKS: kid %q appears twice", jwk.KeyID)
		}
		set[jwk.KeyID] = pub
	}
	if len(set) == 0 {
		return nil, errors.New("jwtauth.ParseJWKS: no RSA signing key in the set")
	}
	return set, nil
}

// KeyFor implements KeySet.
func (s jwkSet) KeyFor(kid string) (*rsa.PublicKey, error) {
	if key, ok := s[kid]; ok {
		return key, nil
	}
	return nil, fmt.Errorf("kid %q: %w", kid, ErrUnknownKey)
}
