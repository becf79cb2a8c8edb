package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/apperr"
)

// rotatingProvider is a provider whose refresh of rt-1 returns rt-2: the
// first rotation of alice's sign-in origin-1.
func rotatingProvider() *fakeProvider {
	return &fakeProvider{refreshes: map[string]refreshAnswer{
		"rt-1": {tokens: Tokens{AccessToken: accessToken("sub-alice", "origin-1", second), IDToken: "id", RefreshToken: "rt-2", ExpiresIn: 900}},
	}}
}

// afterFirstRotation returns a service, its provider and its revocations
// after a refresh of rt-1 that rotated it to rt-2.
func afterFirstRotation(t *testing.T) (*fakeProvider, *fakeRevocations, *Service) {
	t.Helper()
	idp, rev := rotatingProvider(), newFakeRevocations()
	s := newService(idp, rev)
	if _, err := s.Refresh(ctx, "alice", "rt-1"); err != nil {
		t.Fatal(err)
	}
	return idp, rev, s
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
	idp, rev, s := afterFirstRotation(t)
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
	idp, rev, s := afterFirstRotation(t)
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
	idp, rev, s := afterFirstRotation(t)
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
