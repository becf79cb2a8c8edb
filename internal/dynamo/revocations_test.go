package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/dynamo"
)

func TestRevocationsKumo(t *testing.T) { t.Parallel(); runRevocations(t, kumoClient(t)) }
func TestRevocationsDynamoDBLocal(t *testing.T) {
	t.Parallel()
	runRevocations(t, dynamoDBLocalClient(t))
}

func runRevocations(t *testing.T, db *dynamodb.Client) {
	name, _ := newTable(t, db, "RevocationsTable")
	r, err := dynamo.NewRevocations(db, name)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	issued := now.Add(-10 * time.Minute)
	alice := auth.Session{Sub: "alice", OriginJTI: "jti-a", IssuedAt: issued}
	aliceLater := auth.Session{Sub: "alice", OriginJTI: "jti-b", IssuedAt: now.Add(time.Minute)}
	bob := auth.Session{Sub: "bob", OriginJTI: "jti-c", IssuedAt: issued}

	check := func(step string, want map[string]bool) {
		t.Helper()
		for label, s := range map[string]auth.Session{"alice": alice, "aliceLater": aliceLater, "bob": bob} {
			got, err := r.IsRevoked(ctx, s)
			if err != nil {
				t.Fatalf("%s: IsRevoked(%s): %v", step, label, err)
			}
			if got != want[label] {
				t.Errorf("%s: IsRevoked(%s) = %v, want %v", step, label, got, want[label])
			}
		}
	}
	check("nothing revoked", map[string]bool{})

	if err := r.RevokeSession(ctx, "jti-c", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	check("bob's session revoked", map[string]bool{"bob": true})

	if err := r.RevokeUser(ctx, "alice", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// An older sign-out arriving late must not move the mark back.
	if err := r.RevokeUser(ctx, "alice", now.Add(-time.Hour), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	check("alice signed out everywhere", map[string]bool{"bob": true, "alice": true})

	// Finding 1: a sign-out at 12:00:00.900 refuses a token whose iat says
	// 12:00:00, and a later sign-in's token is untouched.
	dave := time.Date(2026, 11, 25, 12, 0, 0, 900_000_000, time.UTC)
	if err := r.RevokeUser(ctx, "dave", dave, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		iat  time.Time
		want bool
	}{
		{time.Unix(dave.Unix(), 0), true},
		{time.Unix(dave.Unix()+1, 0), false},
	} {
		if got, _ := r.IsRevoked(ctx, auth.Session{Sub: "dave", OriginJTI: "jti-d", IssuedAt: tc.iat}); got != tc.want {
			t.Errorf("token issued at %v after a sign-out at %v: revoked %v, want %v", tc.iat, dave, got, tc.want)
		}
	}

	// A sign-in that starts after a sign-out, in the same second, is not
	// revoked by it; one that started before it is, and so is one whose
	// start is unknown.
	erin := time.Date(2026, 11, 25, 12, 0, 0, 400_000_000, time.UTC)
	if err := r.RevokeUser(ctx, "erin", erin, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for jti, started := range map[string]time.Time{"jti-before": erin.Add(-time.Microsecond), "jti-after": erin.Add(time.Microsecond)} {
		if err := r.SessionStarted(ctx, jti, started, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for jti, want := range map[string]bool{"jti-before": true, "jti-after": false, "jti-unknown": true} {
		s := auth.Session{Sub: "erin", OriginJTI: jti, IssuedAt: time.Unix(erin.Unix(), 0)}
		if got, err := r.IsRevoked(ctx, s); err != nil || got != want {
			t.Errorf("%s, issued in the second of a sign-out: revoked %v, %v; want %v", jti, got, err, want)
		}
	}

	// Rotations are remembered by digest, with the session they left.
	rotated := auth.Rotation{Session: auth.Session{Sub: "frank", OriginJTI: "jti-f", IssuedAt: time.Unix(now.Unix(), 0)}, SealedSuccessor: "sealed"}
	if err := r.RecordRotation(ctx, "digest-1", rotated, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := r.RotatedFrom(ctx, "digest-1"); err != nil || !ok || !cmp.Equal(got, rotated) {
		t.Errorf("RotatedFrom(digest-1) = %+v, %v, %v; want %+v", got, ok, err, rotated)
	}
	if _, ok, err := r.RotatedFrom(ctx, "digest-2"); err != nil || ok {
		t.Errorf("RotatedFrom of a token never rotated = %v, %v", ok, err)
	}

	if err := r.RevokeSession(ctx, "jti-expired", now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.IsRevoked(ctx, auth.Session{Sub: "carol", OriginJTI: "jti-expired", IssuedAt: issued}); got {
		t.Error("a record past its expiry still revokes")
	}
}
