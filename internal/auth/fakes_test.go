package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/apperr"
)

// Test time: the service's clock stands at t0, 400 ms into a second, so a
// token issued now says iat = t0's whole second.
var t0 = time.Date(2026, 11, 25, 12, 0, 0, 400_000_000, time.UTC)

var ctx = context.Background()

// second is t0's whole second, the iat of a token issued at t0.
var second = time.Unix(t0.Unix(), 0)

func wantCode(t *testing.T, err error, kind apperr.Kind, code string) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code || apperr.KindOf(err) != kind {
		t.Errorf("error %v: %s %s, want %s %s", err, apperr.KindOf(err), got, kind, code)
	}
}

const (
	revokeFor  = time.Hour
	refreshFor = 30 * 24 * time.Hour
)

// newService returns a Service over idp and rev whose clock stands at t0.
func newService(idp *fakeProvider, rev *fakeRevocations) *Service {
	s := NewService(idp, rev, revokeFor, refreshFor)
	s.now = func() time.Time { return t0 }
	return s
}

// accessToken returns a token shaped like a Cognito access token with the
// claims TokenSession reads, unsigned: the service reads claims only from
// tokens the provider has just issued or accepted.
func accessToken(sub, originJTI string, iat time.Time) string {
	claims, _ := json.Marshal(map[string]any{"sub": sub, "origin_jti": originJTI, "iat": iat.Unix(), "token_use": "access"})
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(claims) + ".c2ln"
}

// fakeProvider is an IdentityProvider that answers from its fields and
// records what it was asked, one line a call ("Refresh alice rt-1").
type fakeProvider struct {
	loginTokens Tokens
	loginErr    error
	// refreshes answers Refresh by the refresh token presented; a token
	// it does not hold is refused with ErrNotAuthorized, as Cognito refuses
	// an unknown, expired or revoked one.
	refreshes  map[string]refreshAnswer
	user       User // GetUser's answer
	getUserErr error
	signOutErr error
	revokeErr  error
	signUpErr  error
	confirmErr error
	resendErr  error
	forgotErr  error
	resetErr   error
	calls      []string
}

type refreshAnswer struct {
	tokens Tokens
	err    error
}

var _ IdentityProvider = (*fakeProvider)(nil)

func (f *fakeProvider) called(parts ...string) { f.calls = append(f.calls, strings.Join(parts, " ")) }

// asked reports whether the provider got a call whose line starts with
// prefix.
func (f *fakeProvider) asked(prefix string) bool {
	return slices.ContainsFunc(f.calls, func(c string) bool { return strings.HasPrefix(c, prefix) })
}

func (f *fakeProvider) SignUp(_ context.Context, username, email, _ string) (string, error) {
	f.called("SignUp", username, email)
	if f.signUpErr != nil {
		return "", f.signUpErr
	}
	return "sub-" + username, nil
}

func (f *fakeProvider) ConfirmSignUp(_ context.Context, username, code string) error {
	f.called("ConfirmSignUp", username, code)
	return f.confirmErr
}

func (f *fakeProvider) ResendConfirmationCode(_ context.Context, username string) error {
	f.called("ResendConfirmationCode", username)
	return f.resendErr
}

func (f *fakeProvider) Login(_ context.Context, username, password string) (Tokens, error) {
	f.called("Login", username, password)
	return f.loginTokens, f.loginErr
}

func (f *fakeProvider) Refresh(_ context.Context, username, refreshToken string) (Tokens, error) {
	f.called("Refresh", username, refreshToken)
	a, ok := f.refreshes[refreshToken]
	if !ok {
		return Tokens{}, ErrNotAuthorized
	}
	return a.tokens, a.err
}

func (f *fakeProvider) GetUser(_ context.Context, accessToken string) (User, error) {
	f.called("GetUser", accessToken)
	if f.getUserErr != nil {
		return User{}, f.getUserErr
	}
	return f.user, nil
}

func (f *fakeProvider) GlobalSignOut(_ context.Context, accessToken string) error {
	f.called("GlobalSignOut", accessToken)
	return f.signOutErr
}

func (f *fakeProvider) RevokeToken(_ context.Context, refreshToken string) error {
	f.called("RevokeToken", refreshToken)
	return f.revokeErr
}

func (f *fakeProvider) ForgotPassword(_ context.Context, username string) error {
	f.called("ForgotPassword", username)
	return f.forgotErr
}

func (f *fakeProvider) ConfirmForgotPassword(_ context.Context, username, code, newPassword string) error {
	f.called("ConfirmForgotPassword", username, code, newPassword)
	return f.resetErr
}

// fakeRevocations is a Revocations in maps, which the tests read to see
// what the service recorded. It decides revocation as the real ones do
// (RevokedBySignOut); records do not expire.
type fakeRevocations struct {
	sessions  map[string]time.Time // origin_jti -> until
	signedOut map[string]time.Time // sub -> at
	started   map[string]window    // origin_jti -> when its sign-in started
	rotations map[string]Rotation  // refresh token digest -> its rotation
	rotUntil  map[string]time.Time // refresh token digest -> until
}

// window is a time recorded with how long it is kept.
type window struct{ At, Until time.Time }

var _ Revocations = (*fakeRevocations)(nil)

func newFakeRevocations() *fakeRevocations {
	return &fakeRevocations{
		sessions:  map[string]time.Time{},
		signedOut: map[string]time.Time{},
		started:   map[string]window{},
		rotations: map[string]Rotation{},
		rotUntil:  map[string]time.Time{},
	}
}

func (r *fakeRevocations) RevokeSession(_ context.Context, originJTI string, until time.Time) error {
	r.sessions[originJTI] = until
	return nil
}

func (r *fakeRevocations) RevokeUser(_ context.Context, sub string, at, _ time.Time) error {
	if at.After(r.signedOut[sub]) {
		r.signedOut[sub] = at
	}
	return nil
}

func (r *fakeRevocations) SessionStarted(_ context.Context, originJTI string, at, until time.Time) error {
	r.started[originJTI] = window{At: at, Until: until}
	return nil
}

func (r *fakeRevocations) IsRevoked(_ context.Context, s Session) (bool, error) {
	if _, ok := r.sessions[s.OriginJTI]; ok {
		return true, nil
	}
	return RevokedBySignOut(s, r.signedOut[s.Sub], r.started[s.OriginJTI].At), nil
}

func (r *fakeRevocations) RecordRotation(_ context.Context, tokenDigest string, rot Rotation, until time.Time) error {
	r.rotations[tokenDigest] = rot
	r.rotUntil[tokenDigest] = until
	return nil
}

func (r *fakeRevocations) RotatedFrom(_ context.Context, tokenDigest string) (Rotation, bool, error) {
	rot, ok := r.rotations[tokenDigest]
	return rot, ok, nil
}

// empty reports whether nothing was recorded.
func (r *fakeRevocations) empty() bool {
	return len(r.sessions)+len(r.signedOut)+len(r.started)+len(r.rotations) == 0
}

// revoked reports whether s is revoked, failing the test on an error.
func (r *fakeRevocations) revoked(t *testing.T, s Session) bool {
	t.Helper()
	got, err := r.IsRevoked(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
