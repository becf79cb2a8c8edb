// Package posttest holds the contract every post.Store must meet, as a test
// suite that each adapter runs against its own backend (in memory, kumo,
// DynamoDB Local), so all of them are held to the same behaviour.
package posttest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
)

// RunStoreContract runs the contract suite. newStore must return an empty
// store and the outbox it records events in, isolated from every other
// store it returns.
func RunStoreContract(t *testing.T, newStores func(t *testing.T) (post.Store, outbox.Store)) {
	t.Helper()
	ctx := context.Background()
	newStore := func(t *testing.T) post.Store { s, _ := newStores(t); return s }

	t.Run("create then get", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)
		got, err := s.Get(ctx, p.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("Get mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("create never overwrites", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)
		clash := p
		clash.Title, clash.AuthorID = "hijacked", "mallory"
		wantCode(t, s.Create(ctx, clash, Event("clash")), "POST_EXISTS")
		got, err := s.Get(ctx, p.ID)
		if err != nil || got.Title != p.Title || got.AuthorID != p.AuthorID {
			t.Errorf("after a clashing create, Get = %+v, %v; want the original", got, err)
		}
	})

	t.Run("get absent", func(t *testing.T) {
		t.Parallel()
		_, err := newStore(t).Get(ctx, mustID(t))
		wantCode(t, err, "POST_NOT_FOUND")
	})

	// GetShared may lag a write by about a second on DynamoDB itself; the
	// stores this suite runs on (memory, kumo, DynamoDB Local) never lag,
	// so it must answer as Get does.
	t.Run("get shared", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)
		got, err := s.GetShared(ctx, p.ID)
		if err != nil {
			t.Fatalf("GetShared: %v", err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("GetShared mismatch (-want +got):\n%s", diff)
		}
		_, err = s.GetShared(ctx, mustID(t))
		wantCode(t, err, "POST_NOT_FOUND")
	})

	t.Run("list empty", func(t *testing.T) {
		t.Parallel()
		posts, next, err := newStore(t).List(ctx, 10, "")
		if err != nil || len(posts) != 0 || next != "" {
			t.Errorf("List on empty store = %d posts, next %q, %v", len(posts), next, err)
		}
	})

	for _, tc := range []struct {
		name         string
		count, limit int
	}{
		{"list pages newest first", 7, 3},
		{"list exact multiple has no empty last page", 6, 3},
		{"list one page", 2, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			var want []string // newest first
			for range tc.count {
				p := NewPost(t, "alice")
				mustCreate(t, s, p)
				want = append([]string{p.ID}, want...)
			}
			var got []string
			after, pages := "", 0
			for {
				posts, next, err := s.List(ctx, tc.limit, after)
				if err != nil {
					t.Fatalf("List(after %q): %v", after, err)
				}
				pages++
				if len(posts) == 0 || len(posts) > tc.limit {
					t.Fatalf("page %d has %d posts, want 1..%d", pages, len(posts), tc.limit)
				}
				for _, p := range posts {
					got = append(got, p.ID)
				}
				if next == "" {
					break
				}
				if next != posts[len(posts)-1].ID {
					t.Fatalf("next = %q, want the last id of the page %q", next, posts[len(posts)-1].ID)
				}
				after = next
				if pages > tc.count {
					t.Fatal("listing does not end")
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ids across pages (-want +got):\n%s", diff)
			}
			if wantPages := (tc.count + tc.limit - 1) / tc.limit; pages != wantPages {
				t.Errorf("pages = %d, want %d", pages, wantPages)
			}
		})
	}

	t.Run("update", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)
		edit := Edit(p, "new title", "new content")
		if err := s.Update(ctx, edit, p.Version, Event("edit")); err != nil {
			t.Fatalf("Update: %v", err)
		}
		want := p
		want.Title, want.Content, want.UpdatedAt, want.Version = edit.Title, edit.Content, edit.UpdatedAt, edit.Version
		stored, _ := s.Get(ctx, p.ID)
		if diff := cmp.Diff(want, stored); diff != "" {
			t.Errorf("stored after Update (-want +got):\n%s", diff)
		}
	})

	t.Run("update refusals change nothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)

		stale := Edit(p, "stale", "stale")
		wantCode(t, s.Update(ctx, stale, p.Version+1, Event("stale")), "VERSION_CONFLICT")

		other := Edit(p, "mine now", "mine now")
		other.AuthorID = "mallory"
		wantCode(t, s.Update(ctx, other, p.Version, Event("other")), "NOT_POST_AUTHOR")

		absent := Edit(NewPost(t, "alice"), "x", "y")
		wantCode(t, s.Update(ctx, absent, 1, Event("absent")), "POST_NOT_FOUND")

		got, _ := s.Get(ctx, p.ID)
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("refused updates changed the post (-want +got):\n%s", diff)
		}
		if _, err := s.Get(ctx, absent.ID); apperr.CodeOf(err) != "POST_NOT_FOUND" {
			t.Errorf("an update of an absent post created it: %v", err)
		}
	})

	t.Run("update after delete does not resurrect", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)
		if err := s.Delete(ctx, p.ID, p.AuthorID, p.Version, Event("delete")); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		wantCode(t, s.Update(ctx, Edit(p, "back", "from the dead"), p.Version, Event("zombie")), "POST_NOT_FOUND")
		_, err := s.Get(ctx, p.ID)
		wantCode(t, err, "POST_NOT_FOUND")
	})

	t.Run("concurrent updates of one version: one wins", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = s.Update(ctx, Edit(p, "racer", "racer"), p.Version, Event("racer"))
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch apperr.CodeOf(err) {
			case "":
				wins++
			case "VERSION_CONFLICT":
			default:
				t.Errorf("racing update: %v", err)
			}
		}
		if wins != 1 {
			t.Errorf("%d racing updates of version %d succeeded, want exactly 1", wins, p.Version)
		}
	})

	t.Run("events are recorded with their change, and only then", func(t *testing.T) {
		t.Parallel()
		s, ob := newStores(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)
		wantCode(t, s.Create(ctx, p, Event("dup-create")), "POST_EXISTS")
		wantCode(t, s.Update(ctx, Edit(p, "x", "y"), 9, Event("stale-update")), "VERSION_CONFLICT")
		wantCode(t, s.Delete(ctx, p.ID, "mallory", p.Version, Event("foreign-delete")), "NOT_POST_AUTHOR")
		if err := s.Update(ctx, Edit(p, "x", "y"), p.Version, Event("update")); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, p.ID, p.AuthorID, p.Version+1, Event("delete")); err != nil {
			t.Fatal(err)
		}
		pending, err := ob.Pending(ctx, time.Now().Add(time.Hour), 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range pending {
			got = append(got, r.DetailType)
		}
		if diff := cmp.Diff([]string{"create-" + p.ID, "update", "delete"}, got); diff != "" {
			t.Errorf("outbox (-want +got):\n%s", diff)
		}
		if err := ob.Delete(ctx, pending[0].EventID, pending[1].EventID); err != nil {
			t.Fatal(err)
		}
		left, _ := ob.Pending(ctx, time.Now().Add(time.Hour), 100)
		if len(left) != 1 || left[0].EventID != pending[2].EventID {
			t.Errorf("after Delete, pending = %+v", left)
		}
	})

	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := NewPost(t, "alice")
		mustCreate(t, s, p)
		wantCode(t, s.Delete(ctx, p.ID, "mallory", p.Version, Event("d1")), "NOT_POST_AUTHOR")
		wantCode(t, s.Delete(ctx, p.ID, p.AuthorID, p.Version+1, Event("d2")), "VERSION_CONFLICT")
		if _, err := s.Get(ctx, p.ID); err != nil {
			t.Fatalf("a refused delete removed the post: %v", err)
		}
		if err := s.Delete(ctx, p.ID, p.AuthorID, p.Version, Event("d3")); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		_, err := s.Get(ctx, p.ID)
		wantCode(t, err, "POST_NOT_FOUND")
		wantCode(t, s.Delete(ctx, p.ID, p.AuthorID, p.Version, Event("d4")), "POST_NOT_FOUND")
		posts, _, _ := s.List(ctx, 10, "")
		if len(posts) != 0 {
			t.Errorf("deleted post still listed: %+v", posts)
		}
	})

	t.Run("create once per idempotency key", func(t *testing.T) {
		t.Parallel()
		s, ob := newStores(t)
		first := NewPost(t, "alice")
		key := "alice-sub#" + mustID(t)
		claim := post.Claim{Key: key, Digest: "d1", PostID: first.ID, Expires: time.Now().Add(time.Hour)}
		if err := s.CreateOnce(ctx, first, Event("once"), claim); err != nil {
			t.Fatalf("CreateOnce: %v", err)
		}
		retry := NewPost(t, "alice")
		err := s.CreateOnce(ctx, retry, Event("retry"), post.Claim{Key: key, Digest: "d2", PostID: retry.ID, Expires: time.Now().Add(time.Hour)})
		var ce *post.ClaimedError
		if !errors.As(err, &ce) || ce.Claim.PostID != first.ID || ce.Claim.Digest != "d1" || ce.Claim.Key != key {
			t.Fatalf("second CreateOnce = %v, want a *ClaimedError with the first claim", err)
		}
		_, err = s.Get(ctx, retry.ID)
		wantCode(t, err, "POST_NOT_FOUND")
		posts, _, _ := s.List(ctx, 10, "")
		if len(posts) != 1 || posts[0].ID != first.ID {
			t.Errorf("listed %+v, want only the first post (claims are not posts)", posts)
		}
		pending, _ := ob.Pending(ctx, time.Now().Add(time.Hour), 100)
		if len(pending) != 1 {
			t.Errorf("outbox holds %d records, want the first create's only", len(pending))
		}
		// An expired claim frees its key.
		stale := NewPost(t, "alice")
		staleKey := "alice-sub#" + mustID(t)
		if err := s.CreateOnce(ctx, stale, Event("stale"), post.Claim{Key: staleKey, Digest: "d", PostID: stale.ID, Expires: time.Now().Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		again := NewPost(t, "alice")
		if err := s.CreateOnce(ctx, again, Event("again"), post.Claim{Key: staleKey, Digest: "d", PostID: again.ID, Expires: time.Now().Add(time.Hour)}); err != nil {
			t.Errorf("CreateOnce with an expired claim's key: %v", err)
		}
	})
}

// NewPost returns a valid post by the named author with a fresh UUIDv7 id.
func NewPost(t testing.TB, author string) post.Post {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	return post.Post{
		ID:         mustID(t),
		Title:      "Hello from " + author,
		Content:    "Some content, with ünïcödé ✓.",
		AuthorID:   "sub-" + author,
		AuthorName: author,
		CreatedAt:  now,
		UpdatedAt:  now,
		Version:    1,
	}
}

// Edit returns the update of p that a Service would pass to Store.Update.
func Edit(p post.Post, title, content string) post.Post {
	return post.Post{
		ID:        p.ID,
		Title:     title,
		Content:   content,
		AuthorID:  p.AuthorID,
		UpdatedAt: p.UpdatedAt.Add(time.Second),
		Version:   p.Version + 1,
	}
}

// eventSeq orders test events in time, as the outbox lists them.
var eventSeq atomic.Int64

// Event returns an outbox record whose DetailType is label, to tell records
// apart in assertions.
func Event(label string) outbox.Record {
	n := eventSeq.Add(1)
	return outbox.Record{
		EventID:    uuid.Must(uuid.NewV7()).String(),
		Source:     "eventboard.posts",
		DetailType: label,
		Detail:     []byte(`{"n":` + strconv.FormatInt(n, 10) + `}`),
		OccurredAt: time.Now().Add(time.Duration(n) * time.Microsecond).UTC(),
	}
}

func mustID(t testing.TB) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

func mustCreate(t testing.TB, s post.Store, p post.Post) {
	t.Helper()
	if err := s.Create(context.Background(), p, Event("create-"+p.ID)); err != nil {
		t.Fatalf("Create %s: %v", p.ID, err)
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code {
		t.Errorf("error = %v (code %q), want code %q", err, got, code)
	}
}
