// Package inmem holds in-memory adapters: fast stand-ins for the DynamoDB
// ones, with the same guarantees, for unit tests and benchmarks.
package inmem

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
)

var _ post.Store = (*PostStore)(nil)

// PostStore is a post.Store in memory. It is safe for concurrent use.
type PostStore struct {
	mu     sync.RWMutex
	claims map[string]post.Claim
	posts  map[string]post.Post
	ids    []string // ascending; UUIDv7 order is creation order
	outbox *Outbox
	now    func() time.Time
}

// NewPostStore returns an empty store recording events in outbox.
func NewPostStore(outbox *Outbox) *PostStore {
	return &PostStore{posts: map[string]post.Post{}, claims: map[string]post.Claim{}, outbox: outbox, now: time.Now}
}

// Create implements post.Store.
func (s *PostStore) Create(_ context.Context, p post.Post, ev outbox.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.posts[p.ID]; ok {
		return post.ErrExists
	}
	s.posts[p.ID] = p
	s.outbox.put(ev)
	i, _ := slices.BinarySearch(s.ids, p.ID)
	s.ids = slices.Insert(s.ids, i, p.ID)
	return nil
}

// CreateOnce implements post.Store.
func (s *PostStore) CreateOnce(_ context.Context, p post.Post, ev outbox.Record, c post.Claim) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prior, ok := s.claims[c.Key]; ok && s.now().Before(prior.Expires) {
		return &post.ClaimedError{Claim: prior}
	}
	if _, ok := s.posts[p.ID]; ok {
		return post.ErrExists
	}
	s.claims[c.Key] = c
	s.posts[p.ID] = p
	s.outbox.put(ev)
	i, _ := slices.BinarySearch(s.ids, p.ID)
	s.ids = slices.Insert(s.ids, i, p.ID)
	return nil
}

// Get implements post.Store.
func (s *PostStore) Get(_ context.Context, id string) (post.Post, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.posts[id]
	if !ok {
		return post.Post{}, post.ErrNotFound
	}
	return p, nil
}

// GetShared implements post.Store: memory is never behind, so it is Get.
func (s *PostStore) GetShared(ctx context.Context, id string) (post.Post, error) {
	return s.Get(ctx, id)
}

// List implements post.Store.
func (s *PostStore) List(_ context.Context, limit int, after string) ([]post.Post, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	end := len(s.ids) // exclusive, walking downwards
	if after != "" {
		end = sort.SearchStrings(s.ids, after)
	}
	var out []post.Post
	for i := end - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, s.posts[s.ids[i]])
	}
	var next string
	if len(out) == limit && end-limit > 0 {
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// Update implements post.Store.
func (s *PostStore) Update(_ context.Context, p post.Post, expectedVersion int, ev outbox.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.posts[p.ID]
	switch {
	case !ok:
		return post.ErrNotFound
	case old.AuthorID != p.AuthorID:
		return post.ErrNotAuthor
	case old.Version != expectedVersion:
		return post.ErrVersionConflict
	}
	old.Title, old.Content, old.UpdatedAt, old.Version = p.Title, p.Content, p.UpdatedAt, p.Version
	s.posts[p.ID] = old
	s.outbox.put(ev)
	return nil
}

// Delete implements post.Store.
func (s *PostStore) Delete(_ context.Context, id, authorID string, version int, ev outbox.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.posts[id]
	switch {
	case !ok:
		return post.ErrNotFound
	case old.AuthorID != authorID:
		return post.ErrNotAuthor
	case old.Version != version:
		return post.ErrVersionConflict
	}
	delete(s.posts, id)
	s.outbox.put(ev)
	i, _ := slices.BinarySearch(s.ids, id)
	s.ids = slices.Delete(s.ids, i, i+1)
	return nil
}
