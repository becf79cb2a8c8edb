package jwtauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewSigner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		kid     string
		wantKid string // empty: the thumbprint
	}{
		{"derived kid", "", ""},
		{"given kid", "my-kid", "my-kid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewSigner(testKey(), tt.kid)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.wantKid
			if want == "" {
				again, err := NewSigner(testKey(), "")
				if err != nil {
					t.Fatal(err)
				}
				want = again.KeyID()
				if len(want) != 43 { // base64url of a SHA-256 digest
					t.Errorf("derived kid %q has %d characters, want 43", want, len(want))
				}
			}
			if got := s.KeyID(); got != want {
				t.Errorf("KeyID = %q, want %q", got, want)
			}
		})
	}
}

func TestNewSignerRejects(t *testing.T) {
	t.Parallel()
	if _, err := NewSigner(nil, ""); err == nil {
		t.Error("NewSigner(nil) succeeded, want an error")
	}
	if _, err := NewSigner(mustKey(1024), ""); err == nil {
		t.Error("NewSigner(1024-bit key) succeeded, want an error")
	}
}

func TestSignerJWKS(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	data, err := s.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JWKS is not a JWK Set: %v\n%s", err, data)
	}
	if len(doc.Keys) != 1 {
		t.Fatalf("JWKS has %d keys, want 1", len(doc.Keys))
	}
	key := doc.Keys[0]
	for _, member := range []string{"n", "e"} {
		if key[member] == "" {
			t.Errorf("JWKS key has no %q", member)
		}
		delete(key, member)
	}
	want := map[string]string{"kty": "RSA", "kid": s.KeyID(), "use": "sig", "alg": "RS256"}
	if diff := cmp.Diff(want, key); diff != "" {
		t.Errorf("JWKS key mismatch (-want +got):\n%s", diff)
	}

	data[0] = 'X' // the caller owns the slice
	again, _ := s.JWKS()
	if again[0] != '{' {
		t.Error("modifying the JWKS slice changed the Signer's JWKS")
	}
}

func TestLoadOrCreateSignerKeepsKey(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "local")
	path := filepath.Join(dir, "signing-key.pem")

	first, err := LoadOrCreateSigner(path)
	if err != nil {
		t.Fatalf("first LoadOrCreateSigner: %v", err)
	}
	second, err := LoadOrCreateSigner(path)
	if err != nil {
		t.Fatalf("second LoadOrCreateSigner: %v", err)
	}
	if first.KeyID() != second.KeyID() || !first.PublicKey().Equal(second.PublicKey()) {
		t.Errorf("second call returned another key: kid %q, want %q", second.KeyID(), first.KeyID())
	}

	for _, f := range []struct {
		path string
		want os.FileMode
	}{{path, 0o600}, {dir, 0o700 | os.ModeDir}} {
		info, err := os.Stat(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode(); got != f.want {
			t.Errorf("mode of %s = %v, want %v", f.path, got, f.want)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key (temporary file left behind?)", len(entries))
	}
}

func TestLoadOrCreateSignerRace(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "signing-key.pem")
	const n = 2
	kids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := LoadOrCreateSigner(path)
			errs[i] = err
			if err == nil {
				kids[i] = s.KeyID()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if kids[0] != kids[1] {
		t.Errorf("racing callers got different keys: %q and %q", kids[0], kids[1])
	}
}

func TestLoadOrCreateSignerRefusesBadFile(t *testing.T) {
	t.Parallel()
	pkcs8 := func(key any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: der})
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", []byte{}},
		{"garbage", []byte("not a key")},
		{"PKCS #1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testKey())})},
		{"corrupt PKCS #8", pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: []byte{0x30, 0x01}})},
		{"EC key", pkcs8(ecKey)},
		{"1024-bit RSA key", pkcs8(mustKey(1024))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "key.pem")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadOrCreateSigner(path); err == nil {
				t.Fatal("LoadOrCreateSigner succeeded, want an error")
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.data, after); diff != "" {
				t.Errorf("file changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestSignerKeyFor(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	key, err := s.KeyFor(s.KeyID())
	if err != nil || !key.Equal(&testKey().PublicKey) {
		t.Errorf("KeyFor(own kid) = %v, %v; want the public key", key, err)
	}
	if _, err := s.KeyFor("other"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("KeyFor(other) error = %v, want ErrUnknownKey", err)
	}
}
