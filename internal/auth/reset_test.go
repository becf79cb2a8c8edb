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

// The policy is decided before the code is tried, so a weak password's
// answer tells nothing about the code.
func TestResetPasswordChecksThePolicyBeforeTheCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		password string
		valid    bool
	}{
		{"Passw0rd!", true},
		{"Pass w0rd", true}, // a space inside counts as a symbol
		{strings.Repeat("Aa1!", MaxPasswordLen/4), true},
		{"Pa0!abc", false}, // 7 characters
		{strings.Repeat("Aa1!", MaxPasswordLen/4) + "x", false},
		{"passw0rd!", false},
		{"PASSW0RD!", false},
		{"Password!", false},
		{"Passw0rdd", false},
		{" Passw0rd!", false},
		{"Passw0rd! ", false},
	} {
		idp := &fakeProvider{resetErr: ErrCodeMismatch}
		err := newService(idp, newFakeRevocations()).ResetPassword(ctx, "alice", "123456", tc.password)
		if tc.valid {
			wantCode(t, err, apperr.Invalid, "INVALID_CODE")
			if !idp.asked("ConfirmForgotPassword") {
				t.Errorf("%q: a valid password was not passed on", tc.password)
			}
			continue
		}
		wantCode(t, err, apperr.Invalid, "WEAK_PASSWORD")
		err = newService(idp, newFakeRevocations()).ResetPassword(ctx, "alice", "", tc.password)
		wantCode(t, err, apperr.Invalid, "WEAK_PASSWORD") // whatever the code
		if len(idp.calls) != 0 {
			t.Errorf("%q: a weak password was passed on: %v", tc.password, idp.calls)
		}
	}
}

// INVALID_CODE answers alike a wrong code, an expired one and an unknown
// user; nobody is signed out when the reset fails.
func TestResetPasswordRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		username string
		code     string
		err      error
		kind     apperr.Kind
		want     string
	}{
		{"a wrong code", "alice", "123456", ErrCodeMismatch, apperr.Invalid, "INVALID_CODE"},
		{"an expired code", "alice", "123456", ErrExpiredCode, apperr.Invalid, "INVALID_CODE"},
		{"an unknown user", "alice", "123456", fmt.Errorf("cognito: %w", ErrNotAuthorized), apperr.Invalid, "INVALID_CODE"},
		{"an unconfirmed user", "alice", "123456", ErrUserNotConfirmed, apperr.Invalid, "INVALID_CODE"},
		{"invalid parameters", "alice", "123456", ErrInvalidParameter, apperr.Invalid, "INVALID_CODE"},
		{"too many wrong codes", "alice", "123456", ErrTooManyRequests, apperr.TooManyRequests, "TOO_MANY_REQUESTS"},
		{"the provider's policy", "alice", "123456", ErrInvalidPassword, apperr.Invalid, "WEAK_PASSWORD"},
		{"a provider fault", "alice", "123456", errors.New("connection reset"), apperr.Internal, apperr.InternalCode},
		{"no code", "alice", "", nil, apperr.Invalid, "INVALID_CODE"},
		{"a code too long", "alice", strings.Repeat("1", MaxCodeLen+1), nil, apperr.Invalid, "INVALID_CODE"},
		{"an invalid username", "al ice", "123456", nil, apperr.Invalid, "INVALID_USERNAME"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idp, rev := &fakeProvider{resetErr: tc.err}, newFakeRevocations()
			err := newService(idp, rev).ResetPassword(ctx, tc.username, tc.code, "Passw0rd!")
			wantCode(t, err, tc.kind, tc.want)
			if idp.asked("Login") || idp.asked("GlobalSignOut") || !rev.empty() {
				t.Errorf("a failed reset signed someone out: calls %v, signed out %v", idp.calls, rev.signedOut)
			}
		})
	}
}

// A reset signs the user out everywhere, the sign-in it used for that
// included: every access token issued up to it is refused.
func TestResetPasswordSignsTheUserOutEverywhere(t *testing.T) {
	t.Parallel()
	token := accessToken("sub-alice", "origin-reset", second)
	idp, rev := &fakeProvider{loginTokens: Tokens{AccessToken: token, RefreshToken: "rt-reset"}}, newFakeRevocations()
	if err := newService(idp, rev).ResetPassword(ctx, "alice", "123456", "N3w-password"); err != nil {
		t.Fatal(err)
	}
	if !idp.asked("Login alice N3w-password") || !idp.asked("GlobalSignOut "+token) {
		t.Errorf("provider calls %v, want a sign-in with the new password and a GlobalSignOut with its token", idp.calls)
	}
	if diff := cmp.Diff(map[string]time.Time{"sub-alice": t0}, rev.signedOut); diff != "" {
		t.Errorf("users signed out (-want +got):\n%s", diff)
	}
	for _, s := range []Session{
		{Sub: "sub-alice", OriginJTI: "origin-old", IssuedAt: second.Add(-time.Hour)},
		{Sub: "sub-alice", OriginJTI: "origin-reset", IssuedAt: second},
	} {
		if !rev.revoked(t, s) {
			t.Errorf("%s survives the reset", s.OriginJTI)
		}
	}
}

func TestResetPasswordSignOutFailures(t *testing.T) {
	t.Parallel()
	token := accessToken("sub-alice", "origin-reset", second)
	for _, tc := range []struct {
		name          string
		idp           *fakeProvider
		wantErr       bool
		wantSignedOut bool
	}{
		{"an emulator without GlobalSignOut", &fakeProvider{loginTokens: Tokens{AccessToken: token}, signOutErr: ErrUnsupported}, false, true},
		{"GlobalSignOut fails", &fakeProvider{loginTokens: Tokens{AccessToken: token}, signOutErr: errors.New("connection reset")}, true, false},
		{"the sign-in fails", &fakeProvider{loginErr: errors.New("connection reset")}, true, false},
		{"the sign-in has no subject", &fakeProvider{loginTokens: Tokens{AccessToken: "opaque"}}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rev := newFakeRevocations()
			err := newService(tc.idp, rev).ResetPassword(ctx, "alice", "123456", "N3w-password")
			if (err != nil) != tc.wantErr {
				t.Errorf("ResetPassword = %v, want error %v", err, tc.wantErr)
			}
			if signedOut := len(rev.signedOut) > 0; signedOut != tc.wantSignedOut {
				t.Errorf("signed out %v, want %v", rev.signedOut, tc.wantSignedOut)
			}
		})
	}
}

// ForgotPassword does not tell whether a username exists: only a fault of
// the provider is an error.
func TestForgotPasswordAnswersAlikeForEveryUser(t *testing.T) {
	t.Parallel()
	for _, answer := range []error{nil, ErrNotAuthorized, ErrInvalidParameter, ErrUserNotConfirmed, ErrTooManyRequests} {
		if err := newService(&fakeProvider{forgotErr: answer}, newFakeRevocations()).ForgotPassword(ctx, "alice"); err != nil {
			t.Errorf("provider answers %v: ForgotPassword = %v, want nil", answer, err)
		}
	}
	err := newService(&fakeProvider{forgotErr: errors.New("connection reset")}, newFakeRevocations()).ForgotPassword(ctx, "alice")
	wantCode(t, err, apperr.Internal, apperr.InternalCode)
	idp := &fakeProvider{}
	err = newService(idp, newFakeRevocations()).ForgotPassword(ctx, strings.Repeat("a", MaxUsernameLen+1))
	wantCode(t, err, apperr.Invalid, "INVALID_USERNAME")
	if len(idp.calls) != 0 {
		t.Errorf("an invalid username was passed on: %v", idp.calls)
	}
}
