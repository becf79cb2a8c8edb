package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// logoutOfAlice logs out with accessToken, which the provider accepts as
// alice's, and returns the provider and the revocations after.
func logoutOfAlice(t *testing.T, accessToken string) (*fakeProvider, *fakeRevocations) {
	t.Helper()
	idp, rev := &fakeProvider{user: User{Username: "alice", Sub: "sub-alice"}}, newFakeRevocations()
	if err := newService(idp, rev).Logout(ctx, "", "", accessToken); err != nil {
		t.Fatal(err)
	}
	return idp, rev
}

func TestLogoutWithALiveAccessTokenSignsTheUserOutEverywhere(t *testing.T) {
	t.Parallel()
	token := accessToken("sub-alice", "origin-1", second)
	idp, rev := logoutOfAlice(t, token)
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
	_, rev := logoutOfAlice(t, accessToken("sub-bob", "origin-bob", second))
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
