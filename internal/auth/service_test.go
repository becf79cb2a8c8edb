package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
)

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
