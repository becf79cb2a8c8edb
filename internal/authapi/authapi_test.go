package authapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/httpapi/httpapitest"
	"github.com/eventboard/eventboard/internal/inmem"
)

// fakeIDP is an auth.IdentityProvider that answers from its fields and
// records the calls it got.
type fakeIDP struct {
	login                                       auth.Tokens
	loginErr, revokeErr, getUserErr, signOutErr error
	refreshErr                                  error
	rotated                                     string // the refresh token a refresh returns
	signUpErr                                   error
	forgotErr, resetErr                         error
	calls                                       []string
}

func (f *fakeIDP) SignUp(context.Context, string, string, string) (string, error) {
	return "sub", f.signUpErr
}
func (f *fakeIDP) ConfirmSignUp(context.Context, string, string) error  { return nil }
func (f *fakeIDP) ResendConfirmationCode(context.Context, string) error { return nil }
func (f *fakeIDP) Login(context.Context, string, string) (auth.Tokens, error) {
	f.calls = append(f.calls, "Login")
	return f.login, f.loginErr
}
func (f *fakeIDP) Refresh(_ context.Context, username, rt string) (auth.Tokens, error) {
	f.calls = append(f.calls, "Refresh "+username+" "+rt)
	if f.refreshErr != nil {
		return auth.Tokens{}, f.refreshErr
	}
	return auth.Tokens{AccessToken: refreshedAccess, IDToken: "new-id", RefreshToken: f.rotated, ExpiresIn: 900}, nil
}

// fakeJWT returns a token shaped like a JWT carrying claims, unsigned: the
// handlers read claims only from tokens the provider accepted.
func fakeJWT(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(b) + ".c2ln"
}

// refreshedAccess is what the fake provider answers a refresh with: a token
// of the cookie's sign-in, origin-cookie.
var refreshedAccess = fakeJWT(map[string]any{"sub": "sub-alice", "origin_jti": "origin-cookie", "token_use": "access", "iat": 1})

func (f *fakeIDP) GetUser(_ context.Context, at string) (auth.User, error) {
	f.calls = append(f.calls, "GetUser "+at)
	return auth.User{Username: "alice", Sub: "sub-alice"}, f.getUserErr
}
func (f *fakeIDP) GlobalSignOut(_ context.Context, at string) error {
	f.calls = append(f.calls, "GlobalSignOut "+at)
	return f.signOutErr
}
func (f *fakeIDP) RevokeToken(_ context.Context, rt string) error {
	f.calls = append(f.calls, "RevokeToken "+rt)
	return f.revokeErr
}

func (f *fakeIDP) ForgotPassword(_ context.Context, username string) error {
	f.calls = append(f.calls, "ForgotPassword "+username)
	return f.forgotErr
}
func (f *fakeIDP) ConfirmForgotPassword(_ context.Context, username, code, pw string) error {
	f.calls = append(f.calls, "ConfirmForgotPassword "+username+" "+code+" "+pw)
	return f.resetErr
}

func fixture(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	return req
}

// siteOrigin is the SPA's origin in the fixtures: CloudFront's, not the
// API's host.
const siteOrigin = "https://eventboard.example.com"

func handlers(idp auth.IdentityProvider, rev auth.Revocations) *authapi.Handlers {
	h := authapi.New(auth.NewService(idp, rev, time.Hour, 30*24*time.Hour), inmem.NewCounters(), 30*24*time.Hour, slog.New(slog.DiscardHandler))
	return h.TrustOrigins([]string{siteOrigin})
}

func code(t *testing.T, resp events.APIGatewayV2HTTPResponse) string {
	t.Helper()
	var e struct{ Code string }
	_ = json.Unmarshal([]byte(resp.Body), &e)
	return e.Code
}

// A fake access token: only its payload matters to the handler.
const accessToken = "eyJhbGciOiJSUzI1NiJ9.eyJvcmlnaW5fanRpIjoib3JpZ2luLTEiLCJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.c2ln"

func TestLoginSetsOnlyTheCookie(t *testing.T) {
	t.Parallel()
	idp := &fakeIDP{login: auth.Tokens{AccessToken: accessToken, IDToken: "id", RefreshToken: "refresh-token", ExpiresIn: 900}}
	resp := httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Login, fixture(t, "login.json"))
	if resp.StatusCode != 200 || strings.Contains(resp.Body, "refresh-token") {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Body)
	}
	if len(resp.Cookies) != 1 {
		t.Fatalf("cookies = %v", resp.Cookies)
	}
	c, err := http.ParseSetCookie(resp.Cookies[0])
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != authapi.CookieName || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/auth" || c.MaxAge != 30*24*3600 {
		t.Errorf("cookie = %s", resp.Cookies[0])
	}
	if resp.Headers["Cache-Control"] != "no-store" {
		t.Errorf("tokens may be cached: %v", resp.Headers)
	}
}

func TestLoginChallengesAreClear4xx(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		challenge, code string
	}{
		{"NEW_PASSWORD_REQUIRED", "NEW_PASSWORD_REQUIRED"},
		{"SOFTWARE_TOKEN_MFA", "LOGIN_CHALLENGE"},
	} {
		idp := &fakeIDP{loginErr: &auth.ChallengeError{Name: tc.challenge}}
		resp := httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Login, fixture(t, "login.json"))
		if resp.StatusCode != 403 || code(t, resp) != tc.code || len(resp.Cookies) != 0 {
			t.Errorf("%s: %d %s %v", tc.challenge, resp.StatusCode, resp.Body, resp.Cookies)
		}
	}
	// A provider that answers neither tokens nor a challenge is our fault,
	// never an empty 200.
	resp := httpapitest.Invoke(t, handlers(&fakeIDP{}, inmem.NewRevocations()).Login, fixture(t, "login.json"))
	if resp.StatusCode != 500 || code(t, resp) != "INTERNAL" {
		t.Errorf("empty answer: %d %s", resp.StatusCode, resp.Body)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	idp := &fakeIDP{}
	rev := inmem.NewRevocations()
	bearer := fakeJWT(map[string]any{"sub": "sub-alice", "origin_jti": "origin-bearer", "token_use": "access", "iat": time.Now().Unix()})
	req := fixture(t, "logout.json")
	req.Headers["authorization"] = "Bearer " + bearer
	resp := httpapitest.Invoke(t, handlers(idp, rev).Logout, req)
	if resp.StatusCode != 204 || len(resp.Cookies) != 1 || !strings.Contains(resp.Cookies[0], "Max-Age=0") {
		t.Fatalf("logout: %d %v", resp.StatusCode, resp.Cookies)
	}
	want := []string{"GetUser " + bearer, "GlobalSignOut " + bearer, "Refresh alice refresh-token", "RevokeToken refresh-token"}
	if diff := cmp.Diff(want, idp.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	for _, jti := range []string{"origin-bearer", "origin-cookie"} {
		if revoked, _ := rev.IsRevoked(context.Background(), auth.Session{Sub: "other", OriginJTI: jti, IssuedAt: time.Now()}); !revoked {
			t.Errorf("session %s was not revoked", jti)
		}
	}
	if revoked, _ := rev.IsRevoked(context.Background(), auth.Session{Sub: "sub-alice", OriginJTI: "x", IssuedAt: time.Now().Add(-time.Minute)}); !revoked {
		t.Error("the user was not signed out everywhere")
	}
}

func TestLogoutWithExpiredTokenAndStaleCookie(t *testing.T) {
	t.Parallel()
	idp := &fakeIDP{revokeErr: auth.ErrNotAuthorized, getUserErr: auth.ErrNotAuthorized, refreshErr: auth.ErrNotAuthorized}
	resp := httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Logout, fixture(t, "logout.json"))
	if resp.StatusCode != 204 || len(resp.Cookies) != 1 {
		t.Fatalf("logout: %d %s", resp.StatusCode, resp.Body)
	}
	for _, call := range idp.calls {
		if strings.HasPrefix(call, "GlobalSignOut") {
			t.Error("signed out with a token the provider refused")
		}
	}
}

func TestLogoutReportsAnOutageButClearsTheCookie(t *testing.T) {
	t.Parallel()
	idp := &fakeIDP{revokeErr: errors.New("connection reset by peer")}
	resp := httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Logout, fixture(t, "logout.json"))
	if resp.StatusCode != 500 || code(t, resp) != "INTERNAL" || strings.Contains(resp.Body, "connection reset") {
		t.Errorf("outage: %d %s", resp.StatusCode, resp.Body)
	}
	if len(resp.Cookies) != 1 || !strings.Contains(resp.Cookies[0], "Max-Age=0") {
		t.Errorf("cookie not cleared: %v", resp.Cookies)
	}
}

func TestRefreshReadsTheCookie(t *testing.T) {
	t.Parallel()
	idp := &fakeIDP{}
	req := fixture(t, "refresh.json")
	resp := httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Refresh, req)
	// Nothing rotated (a refresh inside the grace period): no cookie, so
	// the browser keeps whatever newer one it may hold.
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, refreshedAccess) || len(resp.Cookies) != 0 {
		t.Fatalf("refresh: %d %s %v", resp.StatusCode, resp.Body, resp.Cookies)
	}
	if diff := cmp.Diff([]string{"Refresh alice refresh-token"}, idp.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	for _, cookies := range [][]string{nil, {"eventboard_refresh=%%"}, {"eventboard_refresh=e30"}, {"other=1"}} {
		req.Cookies = cookies
		resp := httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Refresh, req)
		if resp.StatusCode != 401 || code(t, resp) != "INVALID_REFRESH_TOKEN" || len(resp.Cookies) != 1 {
			t.Errorf("cookies %v: %d %s %v", cookies, resp.StatusCode, resp.Body, resp.Cookies)
		}
	}
}

func TestRefreshSetsTheRotatedToken(t *testing.T) {
	t.Parallel()
	idp := &fakeIDP{rotated: "next-token"}
	rev := inmem.NewRevocations()
	resp := httpapitest.Invoke(t, handlers(idp, rev).Refresh, fixture(t, "refresh.json"))
	// {"u":"alice","t":"next-token"}
	if resp.StatusCode != 200 || len(resp.Cookies) != 1 || !strings.Contains(resp.Cookies[0], "eyJ1IjoiYWxpY2UiLCJ0IjoibmV4dC10b2tlbiJ9") {
		t.Fatalf("refresh: %d %s %v", resp.StatusCode, resp.Body, resp.Cookies)
	}
	if s, ok, _ := rev.RotatedFrom(context.Background(), auth.TokenDigest("refresh-token")); !ok || s.OriginJTI != "origin-cookie" {
		t.Errorf("the rotation was not recorded: %+v, %v", s, ok)
	}
}

// TestReusedRefreshTokenIsLoggedAndCounted: a rotated-out refresh token the
// provider refuses (its grace period is over) revokes its session, answers
// 401 like any unusable token, and leaves a WARN line carrying the
// RefreshTokenReuse metric for the alarm.
func TestReusedRefreshTokenIsLoggedAndCounted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rev := inmem.NewRevocations()
	successor := auth.Rotation{Session: auth.Session{Sub: "sub-alice", OriginJTI: "origin-cookie", IssuedAt: time.Now().Add(-time.Minute)}}
	if err := rev.RecordRotation(ctx, auth.TokenDigest("refresh-token"), successor, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := authapi.New(auth.NewService(&fakeIDP{refreshErr: auth.ErrNotAuthorized}, rev, time.Hour, 30*24*time.Hour), inmem.NewCounters(), time.Hour, slog.New(slog.NewJSONHandler(&logs, nil)))
	resp := httpapitest.Invoke(t, h.Refresh, fixture(t, "refresh.json"))
	if resp.StatusCode != 401 || code(t, resp) != "INVALID_REFRESH_TOKEN" || len(resp.Cookies) != 1 || !strings.Contains(resp.Cookies[0], "Max-Age=0") {
		t.Fatalf("reuse: %d %s %v", resp.StatusCode, resp.Body, resp.Cookies)
	}
	if revoked, _ := rev.IsRevoked(ctx, auth.Session{Sub: "sub-alice", OriginJTI: "origin-cookie", IssuedAt: time.Now()}); !revoked {
		t.Error("the session of a reused refresh token lives on")
	}
	line := logs.String()
	for _, want := range []string{`"level":"WARN"`, `"RefreshTokenReuse":1`, `"Namespace":"Eventboard"`} {
		if !strings.Contains(line, want) {
			t.Errorf("log %s lacks %s", line, want)
		}
	}
	if strings.Contains(line, "refresh-token") {
		t.Errorf("the log holds the token: %s", line)
	}
}

// failingCounters is a counter table that cannot be read.
type failingCounters struct{}

func (failingCounters) Value(context.Context, string) (int64, error) {
	return 0, errors.New("dynamo.CounterValue: AccessDeniedException")
}

func TestMeIncludesPostCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	counters := inmem.NewCounters()
	if r := counters.ApplyBatch(ctx, []counter.Change{{EventID: "e1", Deltas: []counter.Delta{{Name: counter.AuthorPosts("sub-alice"), By: 3}, {Name: counter.AuthorPosts("sub-bob"), By: 5}}}}, time.Hour); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	me := func(c counter.ValueReader) events.APIGatewayV2HTTPResponse {
		h := authapi.New(auth.NewService(&fakeIDP{}, inmem.NewRevocations(), time.Hour, 30*24*time.Hour), c, time.Hour, slog.New(slog.DiscardHandler))
		return httpapitest.Invoke(t, h.Me, fixture(t, "myinfo.json"))
	}

	resp := me(counters)
	var got map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &got); resp.StatusCode != 200 || err != nil {
		t.Fatalf("myinfo: %d %s", resp.StatusCode, resp.Body)
	}
	want := map[string]any{"username": "alice", "sub": "sub-alice", "email": "", "emailVerified": false, "postCount": 3.0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("myinfo (-want +got):\n%s", diff)
	}

	// A user who never posted has no counter: 0.
	resp = me(inmem.NewCounters())
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"postCount":0`) {
		t.Errorf("no posts: %d %s", resp.StatusCode, resp.Body)
	}

	resp = me(failingCounters{})
	if resp.StatusCode != 500 || code(t, resp) != "INTERNAL" || strings.Contains(resp.Body, "AccessDenied") {
		t.Errorf("unreadable counters: %d %s", resp.StatusCode, resp.Body)
	}
}

// A cross-site text/plain form could log a victim in to the attacker's
// account, or log them out: Content-Type and Origin were never checked.
func TestCrossSiteLoginAndLogoutAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, fixture string
		headers       map[string]string
		status        int
		code          string
	}{
		{"login from another site", "login.json", map[string]string{"origin": "https://evil.example"}, 403, "FORBIDDEN_ORIGIN"},
		{"login as a text/plain form", "login.json", map[string]string{"content-type": "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"login without a content type", "login.json", map[string]string{"content-type": ""}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"logout from another site", "logout.json", map[string]string{"origin": "https://evil.example"}, 403, "FORBIDDEN_ORIGIN"},
		{"logout from an opaque origin", "logout.json", map[string]string{"origin": "null"}, 403, "FORBIDDEN_ORIGIN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idp := &fakeIDP{login: auth.Tokens{AccessToken: accessToken, RefreshToken: "r"}}
			rev := inmem.NewRevocations()
			h := handlers(idp, rev)
			req := fixture(t, tc.fixture)
			for k, v := range tc.headers {
				req.Headers[k] = v
			}
			fn := h.Login
			if tc.fixture == "logout.json" {
				fn = h.Logout
			}
			resp := httpapitest.Invoke(t, fn, req)
			if resp.StatusCode != tc.status || code(t, resp) != tc.code {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, resp.Body, tc.status, tc.code)
			}
			if len(idp.calls) != 0 || len(resp.Cookies) != 0 {
				t.Errorf("a refused request acted: calls %v, cookies %v", idp.calls, resp.Cookies)
			}
		})
	}
}

// recordingRevocations counts what is written to the revocations table.
type recordingRevocations struct {
	auth.Revocations
	writes []string
}

func (r *recordingRevocations) RevokeSession(ctx context.Context, jti string, until time.Time) error {
	r.writes = append(r.writes, "session "+jti)
	return r.Revocations.RevokeSession(ctx, jti, until)
}

func (r *recordingRevocations) RevokeUser(ctx context.Context, sub string, at, until time.Time) error {
	r.writes = append(r.writes, "user "+sub)
	return r.Revocations.RevokeUser(ctx, sub, at, until)
}

// A logout without the refresh cookie left the bearer token's own session
// alive, and the sign-out mark was in whole seconds: a token minted in the
// same second kept writing.
func TestLogoutRevokesTheBearerTokensOwnSessionToTheMillisecond(t *testing.T) {
	t.Parallel()
	rev := inmem.NewRevocations()
	now := time.Now()
	bearer := fakeJWT(map[string]any{"sub": "sub-alice", "origin_jti": "origin-bearer", "token_use": "access", "iat": now.Unix()})
	req := fixture(t, "logout.json")
	req.Cookies = nil
	req.Headers["authorization"] = "Bearer " + bearer
	if resp := httpapitest.Invoke(t, handlers(&fakeIDP{}, rev).Logout, req); resp.StatusCode != 204 {
		t.Fatalf("logout: %d %s", resp.StatusCode, resp.Body)
	}
	ctx := context.Background()
	// The bearer token itself, issued this very second.
	if revoked, _ := rev.IsRevoked(ctx, auth.Session{Sub: "sub-alice", OriginJTI: "origin-bearer", IssuedAt: time.Unix(now.Unix(), 0)}); !revoked {
		t.Error("the bearer token's session still writes")
	}
	// Another sign-in of the user, issued earlier in the same second.
	if revoked, _ := rev.IsRevoked(ctx, auth.Session{Sub: "sub-alice", OriginJTI: "origin-other", IssuedAt: time.Unix(now.Unix(), 0)}); !revoked {
		t.Error("a token issued in the logout's second still writes")
	}
}

// Anyone could revoke another user's session with a hand-made cookie naming
// the victim's origin_jti, and every such call wrote a record.
func TestLogoutWithForgedCookieOrTokenRevokesNothing(t *testing.T) {
	t.Parallel()
	forged := func(o string) string {
		b, _ := json.Marshal(map[string]string{"u": "mallory", "t": "junk", "o": o})
		return "eventboard_refresh=" + base64.RawURLEncoding.EncodeToString(b)
	}
	for _, tc := range []struct {
		name    string
		cookies []string
		bearer  string
	}{
		{"cookie naming the victim's session", []string{forged("victim-origin-jti")}, ""},
		{"cookie with a 7,000-character session", []string{forged(strings.Repeat("o", 7000))}, ""},
		{"made-up bearer token", nil, "Bearer " + fakeJWT(map[string]any{"sub": "victim", "origin_jti": "victim-origin-jti"})},
		{"bare token", nil, fakeJWT(map[string]any{"sub": "victim", "origin_jti": "victim-origin-jti"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idp := &fakeIDP{getUserErr: auth.ErrNotAuthorized, refreshErr: auth.ErrNotAuthorized}
			rev := &recordingRevocations{Revocations: inmem.NewRevocations()}
			req := fixture(t, "logout.json")
			req.Cookies = tc.cookies
			delete(req.Headers, "authorization")
			if tc.bearer != "" {
				req.Headers["authorization"] = tc.bearer
			}
			resp := httpapitest.Invoke(t, handlers(idp, rev).Logout, req)
			if resp.StatusCode != 204 {
				t.Errorf("logout: %d %s", resp.StatusCode, resp.Body)
			}
			if len(rev.writes) != 0 {
				t.Errorf("an unauthenticated logout wrote %v", rev.writes)
			}
			if revoked, _ := rev.IsRevoked(context.Background(), auth.Session{Sub: "victim", OriginJTI: "victim-origin-jti", IssuedAt: time.Now()}); revoked {
				t.Error("the victim's session was revoked")
			}
		})
	}
}

// The refresh token never rotated, so a stolen refresh cookie worked for 30
// days: the cookie is now replaced on every refresh with the token Cognito's
// rotation issued.
func TestRefreshReplacesTheCookieWithTheRotatedToken(t *testing.T) {
	t.Parallel()
	idp := &fakeIDP{rotated: "rotated-token"}
	req := fixture(t, "refresh.json")
	resp := httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Refresh, req)
	if resp.StatusCode != 200 || len(resp.Cookies) != 1 {
		t.Fatalf("refresh: %d %v", resp.StatusCode, resp.Cookies)
	}
	req.Cookies = []string{strings.Split(resp.Cookies[0], ";")[0]}
	httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Refresh, req)
	if want := "Refresh alice rotated-token"; idp.calls[len(idp.calls)-1] != want {
		t.Errorf("the next refresh sent %q, want %q (the rotated token from the new cookie)", idp.calls[len(idp.calls)-1], want)
	}
	for _, attr := range []string{"HttpOnly", "Secure", "SameSite=Strict", "Path=/api/auth", "Max-Age=2592000"} {
		if !strings.Contains(resp.Cookies[0], attr) {
			t.Errorf("new cookie %q lacks %s", resp.Cookies[0], attr)
		}
	}
}

// TestForgotAnswersAlikeForEveryUser: POST /api/auth/forgot tells nobody
// whether a username exists, whatever the provider says about it; only an
// outage is a 500, with no detail.
func TestForgotAnswersAlikeForEveryUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
	}{
		{"sent", nil, 202, ""},
		{"unknown user", auth.ErrNotAuthorized, 202, ""},
		{"not confirmed", auth.ErrInvalidParameter, 202, ""},
		{"throttled for this user", auth.ErrTooManyRequests, 202, ""},
		{"outage", errors.New("dial tcp: connection refused"), 500, "INTERNAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			idp := &fakeIDP{forgotErr: tt.err}
			resp := httpapitest.Invoke(t, handlers(idp, inmem.NewRevocations()).Forgot, fixture(t, "forgot.json"))
			got := []any{resp.StatusCode, code(t, resp), idp.calls}
			want := []any{tt.wantStatus, tt.wantCode, []string{"ForgotPassword alice"}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if strings.Contains(resp.Body, "connection refused") {
				t.Errorf("internal detail in the body: %s", resp.Body)
			}
		})
	}
}

// resetAccess is the access token of the sign-in a reset makes to sign the
// user out everywhere.
var resetAccess = fakeJWT(map[string]any{"sub": "sub-reset", "origin_jti": "reset-login", "iat": time.Now().Unix()})

func TestReset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       string // "" keeps the fixture's
		err        error
		wantStatus int
		wantCode   string
		wantCalls  []string
	}{
		{name: "reset signs out everywhere", wantStatus: 204, wantCalls: []string{"ConfirmForgotPassword alice 123456 N3w-battery-staple!", "Login", "GlobalSignOut " + resetAccess}},
		{name: "wrong code", err: auth.ErrCodeMismatch, wantStatus: 400, wantCode: "INVALID_CODE", wantCalls: []string{"ConfirmForgotPassword alice 123456 N3w-battery-staple!"}},
		{name: "unknown user answers like a wrong code", err: auth.ErrNotAuthorized, wantStatus: 400, wantCode: "INVALID_CODE", wantCalls: []string{"ConfirmForgotPassword alice 123456 N3w-battery-staple!"}},
		{name: "expired code", err: auth.ErrExpiredCode, wantStatus: 400, wantCode: "INVALID_CODE", wantCalls: []string{"ConfirmForgotPassword alice 123456 N3w-battery-staple!"}},
		{name: "policy", err: auth.ErrInvalidPassword, wantStatus: 400, wantCode: "WEAK_PASSWORD", wantCalls: []string{"ConfirmForgotPassword alice 123456 N3w-battery-staple!"}},
		{name: "too many attempts", err: auth.ErrTooManyRequests, wantStatus: 429, wantCode: "TOO_MANY_REQUESTS", wantCalls: []string{"ConfirmForgotPassword alice 123456 N3w-battery-staple!"}},
		{name: "short password never reaches the provider", body: `{"username":"alice","code":"123456","newPassword":"short"}`, wantStatus: 400, wantCode: "WEAK_PASSWORD"},
		{name: "weak password never reaches the provider", body: `{"username":"alice","code":"123456","newPassword":"alllowercase1!"}`, wantStatus: 400, wantCode: "WEAK_PASSWORD"},
		{name: "weak password is refused before a bad code is", body: `{"username":"alice","code":"","newPassword":"NoDigits!!"}`, wantStatus: 400, wantCode: "WEAK_PASSWORD"},
		{name: "no code", body: `{"username":"alice","newPassword":"N3w-battery-staple!"}`, wantStatus: 400, wantCode: "MISSING_FIELD"},
		{name: "empty code", body: `{"username":"alice","code":"","newPassword":"N3w-battery-staple!"}`, wantStatus: 400, wantCode: "INVALID_CODE"},
		{name: "unknown field", body: `{"username":"alice","code":"1","newPassword":"N3w-battery-staple!","password":"x"}`, wantStatus: 400, wantCode: "UNKNOWN_FIELD"},
		{name: "outage", err: errors.New("dial tcp: connection refused"), wantStatus: 500, wantCode: "INTERNAL", wantCalls: []string{"ConfirmForgotPassword alice 123456 N3w-battery-staple!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			idp := &fakeIDP{resetErr: tt.err, login: auth.Tokens{AccessToken: resetAccess, RefreshToken: "r"}}
			req := fixture(t, "reset.json")
			if tt.body != "" {
				req.Body = tt.body
			}
			rev := inmem.NewRevocations()
			resp := httpapitest.Invoke(t, handlers(idp, rev).Reset, req)
			got := []any{resp.StatusCode, code(t, resp), idp.calls}
			want := []any{tt.wantStatus, tt.wantCode, tt.wantCalls}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// Every session of the user started before the reset is over.
			old := auth.Session{Sub: "sub-reset", OriginJTI: "elsewhere", IssuedAt: time.Now().Add(-time.Minute)}
			if revoked, _ := rev.IsRevoked(context.Background(), old); revoked != (tt.wantStatus == 204) {
				t.Errorf("a session from before the reset: revoked %v after %d", revoked, tt.wantStatus)
			}
		})
	}
}
