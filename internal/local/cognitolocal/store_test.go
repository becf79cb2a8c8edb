package cognitolocal

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/google/go-cmp/cmp"
)

func TestStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data") // New creates it on the first change
	withDir := func(c *Config) { c.DataDir = dir }

	f := newFixture(t, withDir)
	f.confirmedUser(t, "Alice")
	kept, revoked := f.login(t, "alice"), f.login(t, "alice")
	if _, err := f.client.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(testClientID), Token: revoked.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	f.signUp(t, "bob", "bob@example.com") // unconfirmed: his code must survive
	bobBox := f.srv.Mailbox("bob")

	path := filepath.Join(dir, "cognito.json")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode %v, want 0600", mode)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{testPassword, aws.ToString(kept.RefreshToken), aws.ToString(revoked.RefreshToken)} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the state file holds a secret in the clear: %.12s…", secret)
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".cognito-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	// A new server on the same directory, as after a restart.
	cfg := f.cfg
	cfg.Now = f.clock.Now
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New after restart: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	g := &fixture{srv: srv, cfg: cfg, client: newClient(ts.URL), clock: f.clock, url: ts.URL}

	g.login(t, "ALICE")
	if _, err := g.getUser(aws.ToString(kept.AccessToken)); err != nil {
		t.Errorf("GetUser with a token issued before the restart: %v", err)
	}
	if _, err := g.refreshErr("alice", aws.ToString(kept.RefreshToken)); err != nil {
		t.Errorf("refresh with a token issued before the restart: %v", err)
	}
	if _, err := g.refreshErr("alice", aws.ToString(revoked.RefreshToken)); cmp.Diff(revokedRefresh, failureOf(err)) != "" {
		t.Errorf("refresh with a token revoked before the restart: %v, want %v", err, revokedRefresh)
	}
	if _, err := g.getUser(aws.ToString(revoked.AccessToken)); cmp.Diff(revokedAccess, failureOf(err)) != "" {
		t.Errorf("GetUser with an access token revoked before the restart: %v, want %v", err, revokedAccess)
	}
	if diff := cmp.Diff(bobBox, g.srv.Mailbox("bob")); diff != "" {
		t.Errorf("mailbox after restart (-want +got):\n%s", diff)
	}
	g.confirm(t, "bob")
	g.login(t, "bob")
}

func TestExpiredSessionsArePruned(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *Config) { c.DataDir = t.TempDir() })
	f.confirmedUser(t, "carl")
	f.login(t, "carl")
	f.clock.Advance(30*24*time.Hour + time.Hour + time.Second) // refresh token and its last access token expired
	f.login(t, "carl")                                         // any change prunes
	var n int
	f.srv.store.view(func(st *state) { n = len(st.Sessions) })
	if n != 1 {
		t.Errorf("%d sessions kept, want only the live one", n)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	valid := Config{PoolID: testPoolID, ClientID: testClientID, Issuer: testIssuer, Signer: testSigner()}
	corrupt := t.TempDir()
	if err := os.WriteFile(filepath.Join(corrupt, "cognito.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	future := t.TempDir()
	if err := os.WriteFile(filepath.Join(future, "cognito.json"), []byte(`{"version":99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string
	}{
		{name: "valid", change: func(*Config) {}},
		{name: "no pool", change: func(c *Config) { c.PoolID = "" }, wantErr: "empty PoolID"},
		{name: "no client", change: func(c *Config) { c.ClientID = "" }, wantErr: "empty ClientID"},
		{name: "no issuer", change: func(c *Config) { c.Issuer = "" }, wantErr: "empty Issuer"},
		{name: "no signer", change: func(c *Config) { c.Signer = nil }, wantErr: "nil Signer"},
		{name: "negative TTL", change: func(c *Config) { c.CodeTTL = -time.Second }, wantErr: "negative CodeTTL"},
		{name: "corrupt state", change: func(c *Config) { c.DataDir = corrupt }, wantErr: "read state"},
		{name: "state of another version", change: func(c *Config) { c.DataDir = future }, wantErr: "version 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.change(&cfg)
			_, err := New(cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestSaveFailureIsAnInternalError(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	f := newFixture(t, func(c *Config) { c.DataDir = dir })
	// Where the state directory should be, a file now stands.
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := f.client.SignUp(ctx, signUpInput("uma", ""))
	if got := failureOf(err); got.Code != "InternalErrorException" || !strings.Contains(got.Message, "save state") {
		t.Errorf("SignUp with an unwritable DataDir: %v, want InternalErrorException", err)
	}
}
