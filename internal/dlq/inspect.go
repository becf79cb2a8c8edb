package dlq

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// Peek returns up to limit messages of the queue at url (all when limit <= 0),
// decoded and oldest first, without removing any: each message it receives
// stays hidden only until the pass ends, then is made visible again at
// once. A look counts as a receive in each message's ApproximateReceiveCount.
func Peek(ctx context.Context, api SQS, url string, limit int) ([]Message, error) {
	var out []Message
	err := look(ctx, api, url, func(m Message) bool {
		out = append(out, m)
		return limit <= 0 || len(out) < limit
	})
	if err != nil {
		return out, fmt.Errorf("dlq.Peek: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Message) int { return a.FirstFailedAt.Compare(b.FirstFailedAt) })
	return out, nil
}

// Export writes every message of the queue at url to w, one JSON object a
// line, and returns how many it wrote. Like Peek, it removes nothing.
func Export(ctx context.Context, api SQS, url string, w io.Writer) (int, error) {
	enc := json.NewEncoder(w)
	n := 0
	var werr error
	err := look(ctx, api, url, func(m Message) bool {
		if werr = enc.Encode(m); werr != nil {
			return false
		}
		n++
		return true
	})
	if err == nil {
		err = werr
	}
	if err != nil {
		return n, fmt.Errorf("dlq.Export: %w", err)
	}
	return n, nil
}

// look passes each message of the queue to visit once, until visit returns
// false or the queue has no more, then makes them all visible again.
func look(ctx context.Context, api SQS, url string, visit func(Message) bool) (err error) {
	s := newScanner(api, url, defaultHide)
	defer func() {
		if rerr := s.restore(ctx); err == nil {
			err = rerr
		}
	}()
	for {
		batch, err := s.next(ctx)
		if err != nil || len(batch) == 0 {
			return err
		}
		for _, m := range batch {
			if !visit(Decode(m)) {
				return nil
			}
		}
	}
}

// Status is a DLQ as `list` shows it.
type Status struct {
	DLQ
	URL string `json:"url,omitempty"`
	Depth
	// Oldest is the age of the oldest message found (of at most
	// ListScanLimit looked at); zero when the queue is empty.
	Oldest time.Duration `json:"oldestSeconds"`
	// Error says why the queue could not be read (not deployed, say).
	Error string `json:"error,omitempty"`
}

// MarshalJSON writes Oldest in seconds.
func (s Status) MarshalJSON() ([]byte, error) {
	type plain Status
	return json.Marshal(struct {
		plain
		Oldest float64 `json:"oldestSeconds"`
	}{plain(s), s.Oldest.Seconds()})
}

// ListScanLimit is how many messages List looks at in a DLQ to find the
// oldest.
const ListScanLimit = 1000

// List returns the status of every DLQ of t: its depth and the age of its
// oldest message at now. A DLQ that cannot be read has Error set; the
// others are still listed.
func List(ctx context.Context, api SQS, t Topology, now time.Time) []Status {
	out := make([]Status, 0, len(t))
	for _, d := range t {
		st := Status{DLQ: d}
		if err := status(ctx, api, &st, now); err != nil {
			st.Error = err.Error()
		}
		out = append(out, st)
	}
	return out
}

func status(ctx context.Context, api SQS, st *Status, now time.Time) error {
	var err error
	if st.URL, err = queueURL(ctx, api, st.Name); err != nil {
		return err
	}
	if st.Depth, err = depth(ctx, api, st.URL); err != nil {
		return err
	}
	if st.Messages == 0 {
		return nil
	}
	msgs, err := Peek(ctx, api, st.URL, ListScanLimit)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if !m.FirstFailedAt.IsZero() {
			st.Oldest = max(st.Oldest, now.Sub(m.FirstFailedAt))
		}
	}
	return nil
}
