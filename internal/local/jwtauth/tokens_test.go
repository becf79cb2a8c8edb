package jwtauth

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestIssueAccessToken(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	p := testAccessParams()
	issued, err := s.IssueAccessToken(p)
	if err != nil {
		t.Fatal(err)
	}

	wantHeader := map[string]any{"kid": s.KeyID(), "alg": "RS256"}
	if diff := cmp.Diff(wantHeader, decodeSegment(t, issued.Token, 0)); diff != "" {
		t.Errorf("header mismatch (-want +got):\n%s", diff)
	}
	wantClaims := map[string]any{
		"sub":        p.Subject,
		"iss":        testIssuer,
		"client_id":  testClientID,
		"origin_jti": p.OriginJTI,
		"event_id":   p.EventID,
		"token_use":  "access",
		"scope":      "aws.cognito.signin.user.admin",
		"auth_time":  number(p.AuthTime),
		"exp":        number(testNow.Add(time.Hour)),
		"iat":        number(testNow),
		"jti":        issued.JTI,
		"username":   "alice",
	}
	if diff := cmp.Diff(wantClaims, decodeSegment(t, issued.Token, 1)); diff != "" {
		t.Errorf("claims mismatch (-want +got):\n%s", diff)
	}
	if _, err := uuid.Parse(issued.JTI); err != nil {
		t.Errorf("jti %q is not a UUID: %v", issued.JTI, err)
	}
	wantIssued := Issued{
		Token: issued.Token, JTI: issued.JTI, OriginJTI: p.OriginJTI, EventID: p.EventID,
		ExpiresAt: time.Unix(testNow.Add(time.Hour).Unix(), 0),
	}
	if diff := cmp.Diff(wantIssued, issued); diff != "" {
		t.Errorf("Issued mismatch (-want +got):\n%s", diff)
	}
}

func TestIssueIDToken(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	issued, err := s.IssueIDToken(IDTokenParams{
		Subject:       SubjectFor("alice"),
		Username:      "alice",
		Email:         "alice@example.com",
		EmailVerified: true,
		Issuer:        testIssuer,
		ClientID:      testClientID,
		Now:           fixedNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"kid": s.KeyID(), "alg": "RS256"}, decodeSegment(t, issued.Token, 0)); diff != "" {
		t.Errorf("header mismatch (-want +got):\n%s", diff)
	}
	wantClaims := map[string]any{
		"sub":              SubjectFor("alice"),
		"aud":              testClientID,
		"email":            "alice@example.com",
		"email_verified":   true,
		"iss":              testIssuer,
		"cognito:username": "alice",
		"origin_jti":       issued.OriginJTI,
		"event_id":         issued.EventID,
		"token_use":        "id",
		"auth_time":        number(testNow),
		"exp":              number(testNow.Add(DefaultLifetime)),
		"iat":              number(testNow),
		"jti":              issued.JTI,
	}
	if diff := cmp.Diff(wantClaims, decodeSegment(t, issued.Token, 1)); diff != "" {
		t.Errorf("claims mismatch (-want +got):\n%s", diff)
	}
	for name, id := range map[string]string{"jti": issued.JTI, "origin_jti": issued.OriginJTI, "event_id": issued.EventID} {
		if _, err := uuid.Parse(id); err != nil {
			t.Errorf("generated %s %q is not a UUID: %v", name, id, err)
		}
	}
}

func TestIssueGeneratesFreshIDs(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	p := testAccessParams()
	p.OriginJTI, p.EventID = "", ""
	a, err := s.IssueAccessToken(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.IssueAccessToken(p)
	if err != nil {
		t.Fatal(err)
	}
	if a.JTI == b.JTI || a.OriginJTI == b.OriginJTI || a.EventID == b.EventID {
		t.Errorf("two issues share generated ids: %+v and %+v", a, b)
	}
}

func TestIssueRejectsBadParams(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	tests := []struct {
		name   string
		change func(*AccessTokenParams)
		want   string // in the error
	}{
		{"no subject", func(p *AccessTokenParams) { p.Subject = "" }, "Subject"},
		{"no username", func(p *AccessTokenParams) { p.Username = "" }, "Username"},
		{"no issuer", func(p *AccessTokenParams) { p.Issuer = "" }, "Issuer"},
		{"no client id", func(p *AccessTokenParams) { p.ClientID = "" }, "ClientID"},
		{"negative lifetime", func(p *AccessTokenParams) { p.Lifetime = -time.Minute }, "lifetime"},
		{"sub-second lifetime", func(p *AccessTokenParams) { p.Lifetime = time.Millisecond }, "lifetime"},
		{"auth time in the future", func(p *AccessTokenParams) { p.AuthTime = testNow.Add(time.Second) }, "AuthTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := testAccessParams()
			tt.change(&p)
			issued, err := s.IssueAccessToken(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("IssueAccessToken error = %v, want one naming %s", err, tt.want)
			}
			if diff := cmp.Diff(Issued{}, issued); diff != "" {
				t.Errorf("IssueAccessToken returned a token with its error:\n%s", diff)
			}
			id := IDTokenParams{
				Subject: p.Subject, Username: p.Username, Issuer: p.Issuer, ClientID: p.ClientID,
				AuthTime: p.AuthTime, Lifetime: p.Lifetime, Now: p.Now,
			}
			if _, err := s.IssueIDToken(id); err == nil {
				t.Error("IssueIDToken succeeded, want an error")
			}
		})
	}
}

func TestSubjectFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		username string
		want     string
	}{
		// Pinned: a change would give every existing local user a new sub.
		{"alice", "7d1fa15d-1635-5dee-8aab-f73841f0a2f0"},
		{"", "4e16a71c-0fd0-5535-a46e-c9abc8125de4"},
	}
	for _, tt := range tests {
		t.Run(tt.username, func(t *testing.T) {
			t.Parallel()
			got := SubjectFor(tt.username)
			if got != tt.want {
				t.Errorf("SubjectFor(%q) = %q, want %q", tt.username, got, tt.want)
			}
			id, err := uuid.Parse(got)
			if err != nil || id.Version() != 5 {
				t.Errorf("SubjectFor(%q) = %q, want a version 5 UUID (err %v)", tt.username, got, err)
			}
		})
	}
	if SubjectFor("alice") == SubjectFor("Alice") || SubjectFor("alice") == SubjectFor("bob") {
		t.Error("SubjectFor gives two usernames the same sub")
	}
}

// number is t as a JSON numeric date, the form decodeSegment returns.
func number(t time.Time) json.Number {
	return json.Number(strconv.FormatInt(t.Unix(), 10))
}
