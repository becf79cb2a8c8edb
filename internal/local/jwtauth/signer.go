package jwtauth

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-jose/go-jose/v4"
)

// keyBits is the size of the keys this package generates and the smallest it
// accepts; Cognito signs with RSA-2048 keys.
const keyBits = 2048

// pemType is the PEM block type of a PKCS #8 private key.
const pemType = "PRIVATE KEY"

// Signer issues Cognito-shaped tokens signed with one RSA key.
//
// A Signer is immutable and safe for concurrent use. It is also a [KeySet]
// holding its own public key, so an [Authorizer] can verify what it issues
// without going through JWKS bytes.
type Signer struct {
	key  *rsa.PrivateKey
	kid  string
	jwks []byte
}

var _ KeySet = (*Signer)(nil)

// NewSigner returns a Signer for key, published under kid.
//
// An empty kid is replaced by the key's RFC 7638 thumbprint (SHA-256,
// base64url), so the same key always gets the same kid. NewSigner returns an
// error if key is nil or shorter than 2048 bits.
func NewSigner(key *rsa.PrivateKey, kid string) (*Signer, error) {
	if key == nil {
		return nil, errors.New("jwtauth.NewSigner: nil key")
	}
	if bits := key.N.BitLen(); bits < keyBits {
		return nil, fmt.Errorf("jwtauth.NewSigner: key has %d bits, want at least %d", bits, keyBits)
	}
	if kid == "" {
		thumb, err := (&jose.JSONWebKey{Key: &key.PublicKey}).Thumbprint(crypto.SHA256)
		if err != nil {
			return nil, fmt.Errorf("jwtauth.NewSigner: thumbprint: %w", err)
		}
		kid = base64.RawURLEncoding.EncodeToString(thumb)
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key:       &key.PublicKey,
		KeyID:     kid,
		Algorithm: algorithm,
		Use:       "sig",
	}}}
	jwks, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("jwtauth.NewSigner: marshal JWKS: %w", err)
	}
	return &Signer{key: key, kid: kid, jwks: jwks}, nil
}

// LoadOrCreateSigner returns a Signer for the PEM-encoded PKCS #8 RSA private
// key at path, so that the local stack keeps one signing key across restarts
// and the tokens it issued stay valid.
//
// When no file exists at path, it generates a 2048-bit key and writes it there
// with mode 0600, creating missing parent directories with mode 0700. The file
// appears whole or not at all; when two processes race to create it, both end
// up with the key of the one that won. A file that exists but does not hold a
// usable key is an error and is left untouched: delete it to get a new key.
func LoadOrCreateSigner(path string) (*Signer, error) {
	key, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("jwtauth.LoadOrCreateSigner %s: %w", path, err)
	}
	signer, err := NewSigner(key, "")
	if err != nil {
		return nil, fmt.Errorf("jwtauth.LoadOrCreateSigner %s: %w", path, err)
	}
	return signer, nil
}

// KeyID returns the kid the Signer puts in token headers and in its JWKS.
func (s *Signer) KeyID() string { return s.kid }

// PublicKey returns the public half of the signing key.
func (s *Signer) PublicKey() *rsa.PublicKey { return &s.key.PublicKey }

// JWKS returns the public JWK Set that verifies the Signer's tokens, shaped
// like Cognito's /.well-known/jwks.json:
// {"keys":[{"use":"sig","kty":"RSA","kid":…,"alg":"RS256","n":…,"e":…}]}.
// The caller may modify the returned slice.
func (s *Signer) JWKS() ([]byte, error) {
	return bytes.Clone(s.jwks), nil
}

// KeyFor returns the Signer's public key when kid is its key id, and an error
// wrapping [ErrUnknownKey] otherwise.
func (s *Signer) KeyFor(kid string) (*rsa.PublicKey, error) {
	if kid != s.kid {
		return nil, fmt.Errorf("kid %q: %w", kid, ErrUnknownKey)
	}
	return &s.key.PublicKey, nil
}

func readKey(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != pemType {
		return nil, fmt.Errorf("no %q PEM block", pemType)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse PKCS #8 key: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key is %T, want an RSA key", parsed)
	}
	return key, nil
}

// createKey generates a key and publishes it at path without ever exposing a
// partly written file: it writes a temporary file beside path and hard-links
// it into place, which fails rather than overwrites when path appeared in the
// meantime. The loser of such a race reads the winner's key.
func createKey(path string) (*rsa.PrivateKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".jwtauth-key-*") // mode 0600
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if err := pem.Encode(tmp, &pem.Block{Type: pemType, Bytes: der}); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKey(path)
		}
		return nil, err
	}
	return key, nil
}
