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
	"unicode"
	"unicode/utf8"

	"github.com/eventboard/eventboard/internal/local/cognitolocal"
	"github.com/eventboard/eventboard/internal/local/manifest"
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
				printable(msg.Username), printable(msg.Email), printable(msg.Code), url.QueryEscape(msg.Username))
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
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return &userPool{server: srv, url: "http://" + ln.Addr().String(), http: hs}, nil
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

// printable returns s with every rune a terminal could act on or that would
// hide or reorder text (C0 and C1 controls such as ESC, line and paragraph
// separators, bidi and other format characters) written as a \u escape.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || r == utf8.RuneError {
			fmt.Fprintf(&b, "\\u%04X", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
