package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
)

var ctx = context.Background()

// second is t0's whole second, the iat of a token issued at t0.
var second = time.Unix(t0.Unix(), 0)

func wantCode(t *testing.T, err error, kind apperr.Kind, code string) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code || apperr.KindOf(err) != kind {
		t.Errorf("error %v: %s %s, want %s %s", err, apperr.KindOf(err), got, kind, code)
	}
}

func TestLoginRecordsWhenItsSessionStarted(t *testing.T) {
	t.Parallel()
	tokens := Tokens{AccessToken: accessToken("sub-alice", "origin-1", second), IDToken: "id", RefreshToken: "rt-1", ExpiresIn: 900}
	idp := &fakeProvider{loginTokens: tokens}
	rev := newFakeRevocations()
	got, err := newService(idp, rev).Login(ctx, "alice", "Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	if got != tokens {
		t.Errorf("Login = %+v, want the provider's tokens %+v", got, tokens)
	}
	if diff := cmp.Diff(map[string]window{"origin-1": {At: t0, Until: t0.Add(revokeFor)}}, rev.started); diff != "" {
		t.Errorf("sessions started (-want +got):\n%s", diff)
	}
}

// The iat of a token is in whole seconds: the session-start record is what
// keeps a sign-out just before the sign-in, in the same second, from
// revoking it, while one just after still does.
func TestLoginAfterASignOutInTheSameSecondIsNotRevokedByIt(t *testing.T) {
	t.Parallel()
	session := Session{Sub: "sub-alice", OriginJTI: "origin-1", IssuedAt: second}
	idp := &fakeProvider{loginTokens: Tokens{AccessToken: accessToken(session.Sub, session.OriginJTI, second), RefreshToken: "rt-1"}}
	rev := newFakeRevocations()
	if err := rev.RevokeUser(ctx, "sub-alice", t0.Add(-time.Millisecond), t0.Add(revokeFor)); err != nil {
		t.Fatal(err)
	}
	if _, err := newService(idp, rev).Login(ctx, "alice", "Passw0rd!"); err != nil {
		t.Fatal(err)
	}
	if rev.revoked(t, session) {
		t.Error("a sign-out recorded before the sign-in started revokes it")
	}
	if err := rev.RevokeUser(ctx, "sub-alice", t0.Add(time.Millisecond), t0.Add(revokeFor)); err != nil {
		t.Fatal(err)
	}
	if !rev.revoked(t, session) {
		t.Error("a sign-out recorded after the sign-in started, in the same second, does not revoke it")
	}
}

func TestLoginAnswers(t *testing.T) {
	t.Parallel()
	live := Tokens{AccessToken: accessToken("sub-alice", "origin-1", second), RefreshToken: "rt-1"}
	for _, tc := range []struct {
		name   string
		tokens Tokens
		err    error
		kind   apperr.Kind
		code   string
	}{
		{"a new password required", Tokens{}, &ChallengeError{Name: "NEW_PASSWORD_REQUIRED"}, apperr.Forbidden, "NEW_PASSWORD_REQUIRED"},
		{"another challenge", Tokens{}, fmt.Errorf("cognito.Login: %w", &ChallengeError{Name: "SMS_MFA"}), apperr.Forbidden, "LOGIN_CHALLENGE"},
		{"a wrong password", Tokens{}, fmt.Errorf("cognito.Login: %w", ErrNotAuthorized), apperr.Unauthorized, "INVALID_CREDENTIALS"},
		{"invalid parameters, as an unknown user", Tokens{}, ErrInvalidParameter, apperr.Unauthorized, "INVALID_CREDENTIALS"},
		{"an unconfirmed user", Tokens{}, ErrUserNotConfirmed, apperr.Forbidden, "USER_NOT_CONFIRMED"},
		{"a provider fault", Tokens{}, errors.New("connection reset"), apperr.Internal, apperr.InternalCode},
		{"no tokens", Tokens{}, nil, apperr.Internal, apperr.InternalCode},
		{"no refresh token", Tokens{AccessToken: live.AccessToken}, nil, apperr.Internal, apperr.InternalCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rev := newFakeRevocations()
			got, err := newService(&fakeProvider{loginTokens: tc.tokens, loginErr: tc.err}, rev).Login(ctx, "alice", "Passw0rd!")
			wantCode(t, err, tc.kind, tc.code)
			if got != (Tokens{}) {
				t.Errorf("tokens %+v with an error", got)
			}
			if !rev.empty() {
				t.Errorf("a failed sign-in recorded a session start: %+v", rev.started)
			}
		})
	}
}

// What the service refuses before it asks the provider, and the longest
// values it still passes on.
func TestLoginInputBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, username, password string
		asks                     bool
	}{
		{"no username", "", "Passw0rd!", false},
		{"a space in the username", "al ice", "Passw0rd!", false},
		{"a control character in the username", "al\x00ice", "Passw0rd!", false},
		{"a username that is not UTF-8", "al\xffice", "Passw0rd!", false},
		{"a username one character too long", strings.Repeat("é", MaxUsernameLen+1), "Passw0rd!", false},
		{"a username of the longest length, in two-byte characters", strings.Repeat("é", MaxUsernameLen), "Passw0rd!", true},
		{"no password", "alice", "", false},
		{"a password one byte too long", "alice", strings.Repeat("a", MaxPasswordLen+1), false},
		{"a password of the longest length", "alice", strings.Repeat("a", MaxPasswordLen), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idp := &fakeProvider{loginErr: ErrNotAuthorized}
			_, err := newService(idp, newFakeRevocations()).Login(ctx, tc.username, tc.password)
			if !errors.Is(err, ErrNotAuthorized) {
				t.Errorf("Login = %v, want ErrNotAuthorized", err)
			}
			if asked := idp.asked("Login"); asked != tc.asks {
				t.Errorf("provider asked: %v, want %v", asked, tc.asks)
			}
		})
	}
}

// rotatingProvider is a provider whose refresh of rt-1 returns rt-2: the
// first rotation of alice's sign-in origin-1.
func rotatingProvider() *fakeProvider {
	return &fakeProvider{refreshes: map[string]refreshAnswer{
		"rt-1": {tokens: Tokens{AccessToken: accessToken("sub-alice", "origin-1", second), IDToken: "id", RefreshToken: "rt-2", ExpiresIn: 900}},
	}}
}

func TestRefreshRecordsTheRotationWithItsSuccessorSealed(t *testing.T) {
	t.Parallel()
	idp, rev := rotatingProvider(), newFakeRevocations()
	got, err := newService(idp, rev).Refresh(ctx, "alice", "rt-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.RefreshToken != "rt-2" || got.AccessToken == "" {
		t.Errorf("Refresh = %+v, want the provider's tokens with rt-2", got)
	}
	r, ok := rev.rotations[TokenDigest("rt-1")]
	if !ok {
		t.Fatalf("no rotation recorded for rt-1: %v", rev.rotations)
	}
	if want := (Session{Sub: "sub-alice", OriginJTI: "origin-1", IssuedAt: second}); r.Session != want {
		t.Errorf("rotation's session = %+v, want the successor's %+v", r.Session, want)
	}
	if strings.Contains(r.SealedSuccessor, "rt-2") {
		t.Errorf("the successor is recorded in clear: %q", r.SealedSuccessor)
	}
	if opened, err := openSuccessor("rt-1", r.SealedSuccessor); err != nil || opened != "rt-2" {
		t.Errorf("the sealed successor opens with rt-1 to %q, %v; want rt-2", opened, err)
	}
	if until := rev.rotUntil[TokenDigest("rt-1")]; !until.Equal(t0.Add(refreshFor)) {
		t.Errorf("rotation kept until %v, want the refresh-token lifetime, %v", until, t0.Add(refreshFor))
	}
	if len(rev.sessions)+len(rev.signedOut) != 0 {
		t.Errorf("a refresh revoked something: %v %v", rev.sessions, rev.signedOut)
	}
}

func TestRefreshWithoutRotationRecordsNone(t *testing.T) {
	t.Parallel()
	idp, rev := rotatingProvider(), newFakeRevocations()
	a := idp.refreshes["rt-1"]
	a.tokens.RefreshToken = "rt-1" // the provider keeps the token
	idp.refreshes["rt-1"] = a
	got, err := newService(idp, rev).Refresh(ctx, "alice", "rt-1")
	if err != nil || got.AccessToken == "" {
		t.Fatalf("Refresh = %+v, %v", got, err)
	}
	if len(rev.rotations) != 0 {
		t.Errorf("a refresh that kept its token recorded a rotation: %v", rev.rotations)
	}
}

// A retry inside the grace period gets no new refresh token from the
// provider; the service hands it the newest successor it can open, however
// many rotations have happened since.
func TestRefreshRetryInsideTheGracePeriodGetsTheNewestSuccessor(t *testing.T) {
	t.Parallel()
	idp, rev := rotatingProvider(), newFakeRevocations()
	s := newService(idp, rev)
	if _, err := s.Refresh(ctx, "alice", "rt-1"); err != nil {
		t.Fatal(err)
	}
	access := accessToken("sub-alice", "origin-1", second.Add(time.Second))
	idp.refreshes["rt-2"] = refreshAnswer{tokens: Tokens{AccessToken: access, RefreshToken: "rt-3"}}
	if _, err := s.Refresh(ctx, "alice", "rt-2"); err != nil {
		t.Fatal(err)
	}
	// Inside their grace periods, rt-1 and rt-2 still refresh, without a
	// successor; a token never rotated gets none either.
	for _, rt := range []string{"rt-1", "rt-2", "rt-other"} {
		idp.refreshes[rt] = refreshAnswer{tokens: Tokens{AccessToken: access}}
	}
	for rt, want := range map[string]string{"rt-1": "rt-3", "rt-2": "rt-3", "rt-other": ""} {
		got, err := s.Refresh(ctx, "alice", rt)
		if err != nil {
			t.Fatalf("retry with %s: %v", rt, err)
		}
		if got.RefreshToken != want {
			t.Errorf("retry with %s got refresh token %q, want %q", rt, got.RefreshToken, want)
		}
	}
	if len(rev.sessions) != 0 {
		t.Errorf("a retry inside the grace period revoked %v", rev.sessions)
	}
}

// A successor sealed with another key (not by this service) is not handed
// out: the retry keeps what it has.
func TestRefreshRetryIgnoresASuccessorItCannotOpen(t *testing.T) {
	t.Parallel()
	idp, rev := rotatingProvider(), newFakeRevocations()
	sealed, err := sealSuccessor("someone-else", "rt-stolen")
	if err != nil {
		t.Fatal(err)
	}
	rev.rotations[TokenDigest("rt-1")] = Rotation{Session: Session{Sub: "sub-alice", OriginJTI: "origin-1", IssuedAt: second}, SealedSuccessor: sealed}
	idp.refreshes["rt-1"] = refreshAnswer{tokens: Tokens{AccessToken: accessToken("sub-alice", "origin-1", second)}}
	got, err := newService(idp, rev).Refresh(ctx, "alice", "rt-1")
	if err != nil || got.RefreshToken != "" {
		t.Errorf("Refresh = %q, %v; want no successor", got.RefreshToken, err)
	}
}

// Reuse: once the grace period is over the provider refuses a rotated-out
// token; presenting it revokes the session it was rotated out of, and the
// successors' refreshes fail from then on.
func TestRefreshOfARotatedOutTokenRefusedRevokesTheSession(t *testing.T) {
	t.Parallel()
	idp, rev := rotatingProvider(), newFakeRevocations()
	s := newService(idp, rev)
	if _, err := s.Refresh(ctx, "alice", "rt-1"); err != nil {
		t.Fatal(err)
	}
	delete(idp.refreshes, "rt-1") // the grace period is over
	_, err := s.Refresh(ctx, "alice", "rt-1")
	if !errors.Is(err, ErrRefreshReused) {
		t.Fatalf("Refresh of a rotated-out token = %v, want ErrRefreshReused", err)
	}
	wantCode(t, err, apperr.Unauthorized, "INVALID_REFRESH_TOKEN") // what the client sees
	if until, ok := rev.sessions["origin-1"]; !ok || !until.Equal(t0.Add(revokeFor)) {
		t.Errorf("session origin-1 revoked until %v (%v), want %v", until, ok, t0.Add(revokeFor))
	}

	// The successor, presented by whoever holds it, no longer refreshes,
	// and the token the provider issued for it is revoked.
	idp.refreshes["rt-2"] = refreshAnswer{tokens: Tokens{AccessToken: accessToken("sub-alice", "origin-1", second.Add(time.Second)), RefreshToken: "rt-3"}}
	got, err := s.Refresh(ctx, "alice", "rt-2")
	if !errors.Is(err, ErrInvalidRefresh) {
		t.Errorf("Refresh of the successor = %+v, %v; want ErrInvalidRefresh", got, err)
	}
	if !idp.asked("RevokeToken rt-3") {
		t.Errorf("the refresh token issued to a revoked session was not revoked: %v", idp.calls)
	}
	if _, ok := rev.rotations[TokenDigest("rt-2")]; ok {
		t.Error("a revoked session's refresh recorded a rotation")
	}
}

func TestRefreshOfATokenNeverRotatedIsNotReuse(t *testing.T) {
	t.Parallel()
	for _, refused := range []error{ErrNotAuthorized, fmt.Errorf("cognito.Refresh: %w", ErrInvalidParameter)} {
		idp, rev := &fakeProvider{refreshes: map[string]refreshAnswer{"rt-1": {err: refused}}}, newFakeRevocations()
		_, err := newService(idp, rev).Refresh(ctx, "alice", "rt-1")
		if !errors.Is(err, ErrInvalidRefresh) {
			t.Errorf("provider refuses with %v: Refresh = %v, want ErrInvalidRefresh", refused, err)
		}
		if !rev.empty() {
			t.Errorf("provider refuses with %v: recorded %v", refused, rev.sessions)
		}
	}
}

// A rotated-out token of a session signed out since is refused, but it is
// a sign-out, not a reuse: nothing more is revoked.
func TestRefreshOfASignedOutSessionsOldTokenIsNotReuse(t *testing.T) {
	t.Parallel()
	idp, rev := rotatingProvider(), newFakeRevocations()
	s := newService(idp, rev)
	if _, err := s.Refresh(ctx, "alice", "rt-1"); err != nil {
		t.Fatal(err)
	}
	if err := rev.RevokeUser(ctx, "sub-alice", t0.Add(2*time.Second), t0.Add(revokeFor)); err != nil {
		t.Fatal(err)
	}
	delete(idp.refreshes, "rt-1")
	if _, err := s.Refresh(ctx, "alice", "rt-1"); !errors.Is(err, ErrInvalidRefresh) {
		t.Errorf("Refresh = %v, want ErrInvalidRefresh", err)
	}
	if len(rev.sessions) != 0 {
		t.Errorf("a signed-out session's old token was taken for reuse: revoked %v", rev.sessions)
	}
}

func TestRefreshOfARevokedSessionRevokesTheNewToken(t *testing.T) {
	t.Parallel()
	idp, rev := rotatingProvider(), newFakeRevocations()
	if err := rev.RevokeSession(ctx, "origin-1", t0.Add(revokeFor)); err != nil {
		t.Fatal(err)
	}
	got, err := newService(idp, rev).Refresh(ctx, "alice", "rt-1")
	if !errors.Is(err, ErrInvalidRefresh) {
		t.Errorf("Refresh = %v, want ErrInvalidRefresh", err)
	}
	if got != (Tokens{}) {
		t.Errorf("a revoked session got tokens: %+v", got)
	}
	if !idp.asked("RevokeToken rt-2") {
		t.Errorf("the refresh token the provider issued was not revoked: %v", idp.calls)
	}
	if len(rev.rotations) != 0 {
		t.Errorf("a revoked session's refresh recorded a rotation: %v", rev.rotations)
	}
}

func TestRefreshFaultsAreNotInvalidTokens(t *testing.T) {
	t.Parallel()
	for name, answer := range map[string]refreshAnswer{
		"a provider fault": {err: errors.New("connection reset")},
		"no access token":  {tokens: Tokens{RefreshToken: "rt-2"}},
	} {
		idp, rev := &fakeProvider{refreshes: map[string]refreshAnswer{"rt-1": answer}}, newFakeRevocations()
		_, err := newService(idp, rev).Refresh(ctx, "alice", "rt-1")
		if apperr.KindOf(err) != apperr.Internal {
			t.Errorf("%s: Refresh = %v, want an internal error", name, err)
		}
		if !rev.empty() {
			t.Errorf("%s: recorded something", name)
		}
	}
}

func TestRefreshInputBounds(t *testing.T) {
	t.Parallel()
	longest := strings.Repeat("r", MaxTokenLen)
	for _, tc := range []struct {
		name, username, token string
		asks                  bool
	}{
		{"no refresh token", "alice", "", false},
		{"a refresh token one byte too long", "alice", longest + "r", false},
		{"no username", "", "rt-1", false},
		{"a username with a space", "al ice", "rt-1", false},
		{"a refresh token of the longest length", "alice", longest, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idp := &fakeProvider{}
			_, err := newService(idp, newFakeRevocations()).Refresh(ctx, tc.username, tc.token)
			if !errors.Is(err, ErrInvalidRefresh) {
				t.Errorf("Refresh = %v, want ErrInvalidRefresh", err)
			}
			if asked := idp.asked("Refresh"); asked != tc.asks {
				t.Errorf("provider asked: %v, want %v", asked, tc.asks)
			}
		})
	}
}

func TestLogoutWithALiveAccessTokenSignsTheUserOutEverywhere(t *testing.T) {
	t.Parallel()
	token := accessToken("sub-alice", "origin-1", second)
	idp, rev := &fakeProvider{user: User{Username: "alice", Sub: "sub-alice"}}, newFakeRevocations()
	if err := newService(idp, rev).Logout(ctx, "", "", token); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]time.Time{"origin-1": t0.Add(revokeFor)}, rev.sessions); diff != "" {
		t.Errorf("sessions revoked (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]time.Time{"sub-alice": t0}, rev.signedOut); diff != "" {
		t.Errorf("users signed out (-want +got):\n%s", diff)
	}
	if !idp.asked("GlobalSignOut " + token) {
		t.Errorf("the provider did not sign the user out: %v", idp.calls)
	}
	// Another device's token, issued earlier in the same second, is
	// refused; a sign-in that starts after the sign-out is not.
	if !rev.revoked(t, Session{Sub: "sub-alice", OriginJTI: "origin-2", IssuedAt: second}) {
		t.Error("another sign-in of the user survives the sign-out")
	}
	rev.started["origin-3"] = window{At: t0.Add(time.Microsecond)}
	if rev.revoked(t, Session{Sub: "sub-alice", OriginJTI: "origin-3", IssuedAt: second}) {
		t.Error("a sign-in started after the sign-out is revoked by it")
	}
}

func TestLogoutWithALiveRefreshTokenEndsItsSession(t *testing.T) {
	t.Parallel()
	idp, rev := rotatingProvider(), newFakeRevocations()
	if err := newService(idp, rev).Logout(ctx, "alice", "rt-1", ""); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]time.Time{"origin-1": t0.Add(revokeFor)}, rev.sessions); diff != "" {
		t.Errorf("sessions revoked (-want +got):\n%s", diff)
	}
	if len(rev.signedOut) != 0 {
		t.Errorf("a refresh token signed the user out everywhere: %v", rev.signedOut)
	}
	for _, rt := range []string{"rt-1", "rt-2"} { // the cookie's and the one the proving refresh issued
		if !idp.asked("RevokeToken " + rt) {
			t.Errorf("%s not revoked: %v", rt, idp.calls)
		}
	}
	if idp.asked("GlobalSignOut") {
		t.Error("a refresh token signed the user out of every device")
	}
}

// Only a holder of a live token of a session can end it: tokens the
// provider refuses, or the service will not pass on, record nothing.
func TestLogoutWithInvalidTokensRecordsNothing(t *testing.T) {
	t.Parallel()
	forged := accessToken("sub-alice", "origin-1", second)
	long := strings.Repeat("t", MaxTokenLen+1)
	for _, tc := range []struct {
		name                          string
		username, refresh, access     string
		getUserErr                    error
		refreshes                     map[string]refreshAnswer
		wantGetUser, wantRefreshAsked bool
	}{
		{name: "nothing", wantGetUser: false},
		{name: "an access token the provider refuses", access: forged, getUserErr: ErrNotAuthorized, wantGetUser: true},
		{name: "an access token of bad shape", access: "x", getUserErr: fmt.Errorf("cognito.GetUser: %w", ErrInvalidParameter), wantGetUser: true},
		{name: "an access token too long", access: long},
		{name: "a refresh token the provider refuses", username: "alice", refresh: "rt-forged", wantRefreshAsked: true},
		{name: "a refresh token too long", username: "alice", refresh: long},
		{name: "a refresh token with an invalid username", username: "al ice", refresh: "rt-1", refreshes: rotatingProvider().refreshes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idp, rev := &fakeProvider{getUserErr: tc.getUserErr, refreshes: tc.refreshes}, newFakeRevocations()
			if err := newService(idp, rev).Logout(ctx, tc.username, tc.refresh, tc.access); err != nil {
				t.Errorf("Logout = %v, want nil: logging out with dead tokens is fine", err)
			}
			if !rev.empty() {
				t.Errorf("recorded sessions %v, users %v", rev.sessions, rev.signedOut)
			}
			if idp.asked("GlobalSignOut") || idp.asked("RevokeToken") {
				t.Errorf("the provider was asked to end something: %v", idp.calls)
			}
			if idp.asked("GetUser") != tc.wantGetUser || idp.asked("Refresh") != tc.wantRefreshAsked {
				t.Errorf("provider calls %v", idp.calls)
			}
		})
	}
}

// An access token the provider accepts but whose claims name someone else
// (a token that is not what it says) ends only the provider's user.
func TestLogoutTrustsTheProviderOverTheAccessTokensClaims(t *testing.T) {
	t.Parallel()
	token := accessToken("sub-bob", "origin-bob", second)
	idp, rev := &fakeProvider{user: User{Username: "alice", Sub: "sub-alice"}}, newFakeRevocations()
	if err := newService(idp, rev).Logout(ctx, "", "", token); err != nil {
		t.Fatal(err)
	}
	if len(rev.sessions) != 0 {
		t.Errorf("revoked the session the claims name: %v", rev.sessions)
	}
	if diff := cmp.Diff(map[string]time.Time{"sub-alice": t0}, rev.signedOut); diff != "" {
		t.Errorf("users signed out (-want +got):\n%s", diff)
	}
}

func TestLogoutProviderAnswers(t *testing.T) {
	t.Parallel()
	token := accessToken("sub-alice", "origin-1", second)
	for _, tc := range []struct {
		name                string
		signOutErr, revoke  error
		wantErr             bool
		username, refresh   string
		access              string
		wantSessionsRevoked int
	}{
		{name: "a session already signed out", access: token, signOutErr: ErrNotAuthorized, wantSessionsRevoked: 1},
		{name: "an emulator without GlobalSignOut", access: token, signOutErr: ErrUnsupported, wantSessionsRevoked: 1},
		{name: "GlobalSignOut fails", access: token, signOutErr: errors.New("connection reset"), wantErr: true, wantSessionsRevoked: 1},
		{name: "a refresh token revoked already", username: "alice", refresh: "rt-1", revoke: ErrNotAuthorized, wantSessionsRevoked: 1},
		{name: "RevokeToken fails", username: "alice", refresh: "rt-1", revoke: errors.New("connection reset"), wantErr: true, wantSessionsRevoked: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idp := rotatingProvider()
			idp.user, idp.signOutErr, idp.revokeErr = User{Sub: "sub-alice"}, tc.signOutErr, tc.revoke
			rev := newFakeRevocations()
			err := newService(idp, rev).Logout(ctx, tc.username, tc.refresh, tc.access)
			if (err != nil) != tc.wantErr {
				t.Errorf("Logout = %v, want error %v", err, tc.wantErr)
			}
			if len(rev.sessions) != tc.wantSessionsRevoked {
				t.Errorf("revoked %v, want %d sessions", rev.sessions, tc.wantSessionsRevoked)
			}
		})
	}
}

func TestSignUpChecksItsInputBeforeTheProvider(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, username, email, password, code string
	}{
		{"a username with a space", "al ice", "alice@example.com", "Passw0rd!", "INVALID_USERNAME"},
		{"a username too long", strings.Repeat("a", MaxUsernameLen+1), "alice@example.com", "Passw0rd!", "INVALID_USERNAME"},
		{"an address without a domain dot", "alice", "alice@example", "Passw0rd!", "INVALID_EMAIL"},
		{"an address with a display name", "alice", "Alice <alice@example.com>", "Passw0rd!", "INVALID_EMAIL"},
		{"an address too long", "alice", strings.Repeat("a", MaxEmailLen) + "@example.com", "Passw0rd!", "INVALID_EMAIL"},
		{"a password too short", "alice", "alice@example.com", "Pa0!", "WEAK_PASSWORD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idp := &fakeProvider{}
			_, err := newService(idp, newFakeRevocations()).SignUp(ctx, tc.username, tc.email, tc.password)
			wantCode(t, err, apperr.Invalid, tc.code)
			if len(idp.calls) != 0 {
				t.Errorf("the provider was asked: %v", idp.calls)
			}
		})
	}
	idp := &fakeProvider{signUpErr: ErrUsernameExists}
	_, err := newService(idp, newFakeRevocations()).SignUp(ctx, "alice", "alice@example.com", "Passw0rd!")
	wantCode(t, err, apperr.Conflict, "USERNAME_EXISTS")
}

// Confirm and Resend do not tell whether a username exists.
func TestConfirmAndResendAnswerAlikeForUnknownUsers(t *testing.T) {
	t.Parallel()
	for _, refused := range []error{ErrCodeMismatch, ErrExpiredCode, ErrNotAuthorized, ErrInvalidParameter} {
		err := newService(&fakeProvider{confirmErr: refused}, newFakeRevocations()).Confirm(ctx, "alice", "123456")
		wantCode(t, err, apperr.Invalid, "INVALID_CODE")
	}
	for _, refused := range []error{nil, ErrNotAuthorized, ErrInvalidParameter} {
		if err := newService(&fakeProvider{resendErr: refused}, newFakeRevocations()).Resend(ctx, "alice"); err != nil {
			t.Errorf("Resend with the provider answering %v = %v, want nil", refused, err)
		}
	}
	if err := newService(&fakeProvider{resendErr: errors.New("connection reset")}, newFakeRevocations()).Resend(ctx, "alice"); err == nil {
		t.Error("Resend hid a provider fault")
	}
	idp := &fakeProvider{}
	err := newService(idp, newFakeRevocations()).Confirm(ctx, "alice", strings.Repeat("1", MaxCodeLen+1))
	wantCode(t, err, apperr.Invalid, "INVALID_CODE")
	if len(idp.calls) != 0 {
		t.Errorf("a code too long was passed on: %v", idp.calls)
	}
}

func TestMeOfARevokedTokenIsTokenRevoked(t *testing.T) {
	t.Parallel()
	_, err := newService(&fakeProvider{getUserErr: ErrNotAuthorized}, newFakeRevocations()).Me(ctx, "token")
	if !errors.Is(err, ErrRevoked) {
		t.Errorf("Me = %v, want ErrRevoked", err)
	}
}

func TestRevokedBySignOut(t *testing.T) {
	t.Parallel()
	out := t0 // 12:00:00.400
	for _, tc := range []struct {
		name     string
		iat      time.Time
		started  time.Time
		signOut  time.Time
		revoked  bool
		sameSecs bool
	}{
		{"no sign-out", second, time.Time{}, time.Time{}, false, false},
		{"issued a second before", second.Add(-time.Second), time.Time{}, out, true, false},
		{"issued a second after", second.Add(time.Second), time.Time{}, out, false, false},
		{"the same second, start unknown", second, time.Time{}, out, true, true},
		{"the same second, started before", second, out.Add(-time.Microsecond), out, true, true},
		{"the same second, started at the sign-out", second, out, out, true, true},
		{"the same second, started after", second, out.Add(time.Microsecond), out, false, true},
	} {
		s := Session{Sub: "sub-alice", OriginJTI: "origin-1", IssuedAt: tc.iat}
		if got := RevokedBySignOut(s, tc.signOut, tc.started); got != tc.revoked {
			t.Errorf("%s: RevokedBySignOut = %v, want %v", tc.name, got, tc.revoked)
		}
		if got := SameSecondAsSignOut(s, tc.signOut); got != tc.sameSecs {
			t.Errorf("%s: SameSecondAsSignOut = %v, want %v", tc.name, got, tc.sameSecs)
		}
	}
}
