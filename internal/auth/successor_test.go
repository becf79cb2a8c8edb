package auth

import "testing"

// TestSealedSuccessorOpensOnlyWithTheRotatedOutToken: the successor a
// rotation records opens with the token it replaced and with nothing else,
// not even that token's digest (what the record is found by).
func TestSealedSuccessorOpensOnlyWithTheRotatedOutToken(t *testing.T) {
	t.Parallel()
	sealed, err := sealSuccessor("old-token", "new-token")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := openSuccessor("old-token", sealed); err != nil || got != "new-token" {
		t.Fatalf("open with the rotated-out token = %q, %v", got, err)
	}
	for _, key := range []string{"other-token", TokenDigest("old-token"), ""} {
		if got, err := openSuccessor(key, sealed); err == nil {
			t.Errorf("opened with %q: %q", key, got)
		}
	}
	if _, err := openSuccessor("old-token", "not base64!"); err == nil {
		t.Error("opened garbage")
	}
}
