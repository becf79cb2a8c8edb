package portguard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"golang.org/x/sync/semaphore"
)

// BodyBudget is how many bytes of request bodies the whole process holds
// at once, across its ports: ReadBody waits for its share, so however many
// large requests arrive, their bodies take at most this much memory.
const BodyBudget = 32 << 20

// drainLimit is how much of a refused body ReadBody reads and discards so
// the client, still sending, sees the 413 rather than a reset connection;
// past it the server closes the connection.
const drainLimit = 16 << 20

var budget = semaphore.NewWeighted(BodyBudget)

// ErrTooLarge is ReadBody's error for a body over its limit.
var ErrTooLarge = errors.New("request body too large")

// ReadBody reads r's body of at most limit bytes (limit ≤ BodyBudget). A
// declared Content-Length over limit is refused before anything is read; a
// streamed body as soon as it passes limit. It waits until the process's
// BodyBudget has room for the body (its declared length, or limit when
// streamed) and holds that share until release is called, which the caller
// does once it no longer holds the body or what it built from it. On
// ErrTooLarge it has discarded the rest of the body, up to a bound.
func ReadBody(r *http.Request, limit int64) (body []byte, release func(), err error) {
	if r.Body == nil || r.Body == http.NoBody { // a server's request without a body: most reads
		return nil, releaseNothing, nil
	}
	if r.ContentLength > limit {
		drain(r.Body)
		return nil, nil, ErrTooLarge
	}
	want := limit
	if r.ContentLength >= 0 {
		want = r.ContentLength
	}
	if err := acquire(r.Context(), want); err != nil {
		return nil, nil, err
	}
	release = func() { budget.Release(want) }
	var buf bytes.Buffer
	if r.ContentLength >= 0 {
		buf.Grow(int(want) + bytes.MinRead) // read without growing twice the size
	}
	n, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1))
	switch {
	case err != nil:
		release()
		return nil, nil, fmt.Errorf("read body: %w", err)
	case n > limit:
		release()
		drain(r.Body)
		return nil, nil, ErrTooLarge
	}
	return buf.Bytes(), release, nil
}

func releaseNothing() {}

func acquire(ctx context.Context, n int64) error {
	if n == 0 {
		return nil
	}
	if err := budget.Acquire(ctx, n); err != nil {
		return fmt.Errorf("wait for the body budget: %w", err)
	}
	return nil
}

func drain(body io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(body, drainLimit)) }
