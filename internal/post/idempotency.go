package post

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/eventboard/eventboard/internal/apperr"
)

// IdempotencyTTL is how long an Idempotency-Key is remembered: a client
// retrying a create after a timeout does so within seconds or minutes.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKeyLen bounds a client's key (a UUID is 36 characters).
const MaxIdempotencyKeyLen = 128

// Claim records that a client's idempotency key created a post: a retry
// with the same key and the same draft gets that post back instead of a
// duplicate.
type Claim struct {
	Key     string    // the author's id and the client's key: keys are per author
	Digest  string    // of the normalized draft the key was first used with
	PostID  string    // the post it created
	Expires time.Time // after which the key may be used again
}

// ClaimedError is what Store.CreateOnce returns when the key was already
// used.
type ClaimedError struct{ Claim Claim }

// Error implements error.
func (e *ClaimedError) Error() string {
	return fmt.Sprintf("post: idempotency key %q already created post %s", e.Claim.Key, e.Claim.PostID)
}

var (
	// ErrInvalidIdempotencyKey is the answer to a key that is empty, too
	// long, or holds other than letters, digits and -_.:
	ErrInvalidIdempotencyKey = apperr.Errorf(apperr.Invalid, "INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be 1 to %d letters, digits or -_.: characters.", MaxIdempotencyKeyLen)
	// ErrIdempotencyKeyReused is the answer to a key used before with
	// another title or content.
	ErrIdempotencyKeyReused = apperr.New(apperr.Conflict, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for a different post; use a new key for a new post.")
)

// validIdempotencyKey reports whether k is a key the API accepts.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > MaxIdempotencyKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// digest identifies a normalized draft.
func (d Draft) digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s%d:%s", len(d.Title), d.Title, len(d.Content), d.Content)
	return hex.EncodeToString(h.Sum(nil))
}

// asClaimed returns the claim of a *ClaimedError in err.
func asClaimed(err error) (Claim, bool) {
	var ce *ClaimedError
	if errors.As(err, &ce) {
		return ce.Claim, true
	}
	return Claim{}, false
}
