package local

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/eventboard/eventboard/internal/local/cognitolocal"
	"github.com/eventboard/eventboard/internal/local/portguard"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/termsafe"
)

// userPool is the stack's Cognito: a cognitolocal.Server configured from
// serverless.yml's user pool and app client, whose post-confirmation trigger
// is the function serverless.yml attaches to it. Functions reach it over
// HTTP on a loopback port, as they reach Cognito on AWS.
type userPool struct {
	server *cognitolocal.Server
	// URL is the endpoint of the Cognito Identity Provider API.
	url  string
	http *http.Server
}

// newUserPool starts the user pool. invoke runs a function by name; it is
// called only once the stack is up, so it may refer to functions built
// after the pool. A positive grace replaces the app client's refresh-token
// grace period.
func newUserPool(m *manifest.Manifest, id *Identity, dataDir string, console io.Writer, grace time.Duration,
	invoke func(ctx context.Context, fn string, payload []byte) ([]byte, error)) (*userPool, error) {
	cfg := cognitolocal.Config{
		DataDir:  dataDir,
		Region:   m.Region,
		PoolID:   PoolID,
		ClientID: ClientID,
		Issuer:   id.Issuer(),
		Signer:   id.Signer(),
		Mail: func(msg cognitolocal.Message) {
			// Usernames and addresses are the caller's text: escape what a
			// terminal would act on rather than print.
			line := fmt.Sprintf("Confirmation code for %s <%s>: %s   (also at /local/mailbox?username=%s)",
				termsafe.String(msg.Username), termsafe.String(msg.Email), termsafe.String(msg.Code), url.QueryEscape(msg.Username))
			bar := strings.Repeat("─", len([]rune(line))+2)
			fmt.Fprintf(console, "┌%s┐\n│ %s │\n└%s┘\n", bar, line, bar)
		},
	}
	if ttl, ok := clientTokenValidity(m, "AccessToken"); ok {
		cfg.AccessTokenTTL = ttl
	}
	if ttl, ok := clientTokenValidity(m, "IdToken"); ok {
		cfg.IDTokenTTL = ttl
	}
	if ttl, ok := clientTokenValidity(m, "RefreshToken"); ok {
		cfg.RefreshTokenTTL = ttl
	}
	cfg.RotateRefreshTokens, cfg.RefreshGracePeriod = clientRotation(m)
	if grace > 0 && cfg.RotateRefreshTokens {
		cfg.RefreshGracePeriod = grace
	}
	if fn, ok := triggerFunction(m, "PostConfirmation"); ok {
		cfg.PostConfirmation = func(ctx context.Context, event []byte) ([]byte, error) {
			return invoke(ctx, fn, event)
		}
	}
	srv, err := cognitolocal.New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("user pool: listen: %w", err)
	}
	hs := portguard.Server(portguard.AWSAPI(srv, unsigned))
	go func() { _ = hs.Serve(ln) }()
	return &userPool{server: srv, url: "http://" + ln.Addr().String(), http: hs}, nil
}

// unsigned are the requests the pool's port takes without a SigV4
// header, as Cognito does: GETs of its JWKS and OpenID discovery
// documents, and the operations a user calls for themselves, authorized by
// the app client's id or their own token, which the SDK sends anonymously.
// A page cannot send those cross-site either: X-Amz-Target is not a
// CORS-safelisted header, and the port answers no preflight. The Admin
// operations need a SigV4-shaped header.
func unsigned(r *http.Request) bool {
	if r.Method == http.MethodGet {
		return strings.Contains(r.URL.Path, "/.well-known/")
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	return ok && unsignedOperations[op]
}

// unsignedOperations are the operations of cognitolocal.Server that
// aws-sdk-go-v2 sends with no signature (its auth resolver's anonymous
// scheme).
var unsignedOperations = map[string]bool{
	"SignUp": true, "ConfirmSignUp": true, "ResendConfirmationCode": true,
	"InitiateAuth": true, "GetTokensFromRefreshToken": true, "RespondToAuthChallenge": true,
	"GetUser": true, "GlobalSignOut": true, "RevokeToken": true,
	"ForgotPassword": true, "ConfirmForgotPassword": true,
}

// close stops serving the pool's API.
func (p *userPool) close() { _ = p.http.Close() }

// triggerFunction names the function serverless.yml attaches to the user
// pool's trigger.
func triggerFunction(m *manifest.Manifest, trigger string) (string, bool) {
	for _, fn := range m.Functions {
		for _, ev := range fn.Events {
			cfg, _ := ev.Config.(map[string]any)
			if ev.Type == "cognitoUserPool" && cfg["trigger"] == trigger {
				return fn.Name, true
			}
		}
	}
	return "", false
}

// clientTokenValidity reads a token lifetime of serverless.yml's app client.
func clientTokenValidity(m *manifest.Manifest, token string) (time.Duration, bool) {
	res, ok := m.Resources["UserPoolClient"]
	if !ok {
		return 0, false
	}
	n, ok := asInt(res.Properties[token+"Validity"])
	if !ok {
		return 0, false
	}
	unit := map[string]time.Duration{"seconds": time.Second, "minutes": time.Minute, "hours": time.Hour, "days": 24 * time.Hour}
	units, _ := res.Properties["TokenValidityUnits"].(map[string]any)
	u, ok := unit[fmt.Sprint(units[token])]
	if !ok { // Cognito's default units
		u = map[string]time.Duration{"AccessToken": time.Hour, "IdToken": time.Hour, "RefreshToken": 24 * time.Hour}[token]
	}
	return time.Duration(n) * u, true
}

// clientRotation reads the app client's RefreshTokenRotation: whether
// refreshes rotate the refresh token, and how long the old one still works.
func clientRotation(m *manifest.Manifest) (bool, time.Duration) {
	res, ok := m.Resources["UserPoolClient"]
	if !ok {
		return false, 0
	}
	rot, _ := res.Properties["RefreshTokenRotation"].(map[string]any)
	if rot["Feature"] != "ENABLED" {
		return false, 0
	}
	grace, _ := asInt(rot["RetryGracePeriodSeconds"])
	return true, time.Duration(grace) * time.Second
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case uint64:
		return int(n), true
	case float64:
		return int(n), true
	default:
		return 0, false
	}
}

// mailbox serves GET /local/mailbox?username=…: the confirmation codes the
// user pool "sent" that user. It exists only in the local stack.
func (p *userPool) mailbox(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	username := r.URL.Query().Get("username")
	if username == "" {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": "MISSING_USERNAME", "message": "Add ?username=…"})
		return
	}
	type message struct {
		Username string    `json:"username"`
		Email    string    `json:"email"`
		Code     string    `json:"code"`
		SentAt   time.Time `json:"sentAt"`
	}
	out := struct {
		Messages []message `json:"messages"`
	}{Messages: []message{}}
	for _, m := range p.server.Mailbox(username) {
		out.Messages = append(out.Messages, message(m))
	}
	_ = json.NewEncoder(w).Encode(out)
}
