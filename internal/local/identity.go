package local

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/eventboard/eventboard/internal/local/apigw"
	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

// The local user pool and app client. Tokens carry them as Cognito's do.
const (
	PoolID   = "us-east-1_eventboardLocal"
	ClientID = "eventboardlocalclient"
)

var _ apigw.Authorizer = (*Identity)(nil)

// tokenLifetime is the lifetime of tokens from IssueAccessToken.
const tokenLifetime = time.Hour

// signingKeyFile is where the stack keeps its token signing key, so tokens
// stay valid across restarts.
const signingKeyFile = "jwt-signing-key.pem"

// Identity is the local identity provider: it signs Cognito-shaped access
// tokens and verifies them as API Gateway's JWT authorizer would. The user
// pool itself (sign-up to sign-out) is a cognitolocal.Server on the same key.
type Identity struct {
	issuer     string
	signer     *jwtauth.Signer
	authorizer *jwtauth.Authorizer
}

// Signer is the key every local token is signed with.
func (id *Identity) Signer() *jwtauth.Signer { return id.signer }

// Issuer is the iss of every local token.
func (id *Identity) Issuer() string { return id.issuer }

// NewIdentity returns the identity provider whose key lives under dataDir
// and whose issuer is served at addr.
func NewIdentity(dataDir, addr string) (*Identity, error) {
	signer, err := jwtauth.LoadOrCreateSigner(filepath.Join(dataDir, signingKeyFile))
	if err != nil {
		return nil, fmt.Errorf("local.NewIdentity: %w", err)
	}
	issuer := Issuer(addr)
	authz, err := jwtauth.NewAuthorizer(jwtauth.AuthorizerConfig{Issuer: issuer, Audience: []string{ClientID}, Keys: signer})
	if err != nil {
		return nil, fmt.Errorf("local.NewIdentity: %w", err)
	}
	return &Identity{issuer: issuer, signer: signer, authorizer: authz}, nil
}

// Issuer is the issuer URL of the local user pool served at addr.
func Issuer(addr string) string { return "http://" + addr + "/local/cognito/" + PoolID }

// IssueAccessToken returns an access token for username, valid for ttl
// (an hour if zero).
func (id *Identity) IssueAccessToken(username string, ttl time.Duration) (string, error) {
	if username == "" {
		return "", errors.New("local.IssueAccessToken: empty username")
	}
	if ttl == 0 {
		ttl = tokenLifetime
	}
	issued, err := id.signer.IssueAccessToken(jwtauth.AccessTokenParams{
		Subject:  jwtauth.SubjectFor(username),
		Username: username,
		Issuer:   id.issuer,
		ClientID: ClientID,
		Lifetime: ttl,
	})
	if err != nil {
		return "", fmt.Errorf("local.IssueAccessToken: %w", err)
	}
	return issued.Token, nil
}

// Authorize implements apigw.Authorizer.
func (id *Identity) Authorize(header string, scopes []string) (map[string]string, []string, error) {
	a, err := id.authorizer.Authorize(header, scopes)
	if err != nil {
		var authErr *jwtauth.AuthError
		if errors.As(err, &authErr) && authErr.Status == http.StatusForbidden {
			return nil, nil, fmt.Errorf("%w: %s", apigw.ErrForbidden, authErr.Reason)
		}
		return nil, nil, err
	}
	return a.Claims, a.Scopes, nil
}

// register serves the user pool's JWKS, where Cognito serves it.
func (id *Identity) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /local/cognito/"+PoolID+"/.well-known/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		b, err := id.signer.JWKS()
		if err != nil {
			http.Error(w, "jwks unavailable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
}
