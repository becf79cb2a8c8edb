package post

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/apperr"
)

// ErrInvalidLimit is returned for a page size outside 1..MaxLimit.
var ErrInvalidLimit = apperr.Errorf(apperr.Invalid, "INVALID_LIMIT", "limit must be a whole number from 1 to %d.", MaxLimit)

// ErrInvalidVersion is returned for an update that does not name the version
// it was based on.
var ErrInvalidVersion = apperr.New(apperr.Invalid, "INVALID_VERSION", "version must be the positive whole number of the version you edited.")

// Service is the posts application service: the rules, over a Store.
type Service struct {
	store Store
	now   func() time.Time
	newID func() (uuid.UUID, error)
}

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read time from now (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithIDs makes the service mint ids with newID (tests).
func WithIDs(newID func() (uuid.UUID, error)) Option { return func(s *Service) { s.newID = newID } }

// NewService returns a Service over store.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{store: store, now: time.Now, newID: uuid.NewV7}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Create validates d and stores it as a new post by author, at version 1.
func (s *Service) Create(ctx context.Context, author Author, d Draft) (Post, error) {
	d, err := d.Normalize()
	if err != nil {
		return Post{}, err
	}
	id, err := s.newID()
	if err != nil {
		return Post{}, fmt.Errorf("post.Create: new id: %w", err)
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	p := Post{
		ID:         id.String(),
		Title:      d.Title,
		Content:    d.Content,
		AuthorID:   author.ID,
		AuthorName: author.Name,
		CreatedAt:  now,
		UpdatedAt:  now,
		Version:    1,
	}
	if err := s.store.Create(ctx, p); err != nil {
		return Post{}, fmt.Errorf("post.Create %s: %w", p.ID, err)
	}
	return p, nil
}

// Get returns the post with the given id (ErrInvalidID, ErrNotFound).
func (s *Service) Get(ctx context.Context, id string) (Post, error) {
	id, err := ParseID(id)
	if err != nil {
		return Post{}, err
	}
	p, err := s.store.Get(ctx, id)
	if err != nil {
		return Post{}, fmt.Errorf("post.Get %s: %w", id, err)
	}
	return p, nil
}

// List returns a page of posts, newest first. limit must be 1..MaxLimit;
// cursor is "" or a NextCursor from an earlier page (else ErrInvalidCursor).
func (s *Service) List(ctx context.Context, limit int, cursor string) (Page, error) {
	if limit < 1 || limit > MaxLimit {
		return Page{}, ErrInvalidLimit
	}
	var after string
	if cursor != "" {
		var err error
		if after, err = DecodeCursor(cursor); err != nil {
			return Page{}, err
		}
	}
	posts, next, err := s.store.List(ctx, limit, after)
	if err != nil {
		return Page{}, fmt.Errorf("post.List: %w", err)
	}
	page := Page{Posts: posts}
	if page.Posts == nil {
		page.Posts = []Post{}
	}
	if next != "" {
		page.NextCursor = EncodeCursor(next)
	}
	return page, nil
}

// Update replaces the title and content of the author's post, provided it is
// still at version; it returns the post as stored, at version+1.
func (s *Service) Update(ctx context.Context, author Author, id string, version int, d Draft) (Post, error) {
	id, err := ParseID(id)
	if err != nil {
		return Post{}, err
	}
	if version < 1 {
		return Post{}, ErrInvalidVersion
	}
	if d, err = d.Normalize(); err != nil {
		return Post{}, err
	}
	// The store's conditional write decides; it answers the post as stored,
	// with the fields an update does not change (createdAt, authorName).
	p := Post{
		ID:        id,
		Title:     d.Title,
		Content:   d.Content,
		AuthorID:  author.ID,
		UpdatedAt: s.now().UTC().Truncate(time.Millisecond),
		Version:   version + 1,
	}
	stored, err := s.store.Update(ctx, p, version)
	if err != nil {
		return Post{}, fmt.Errorf("post.Update %s: %w", id, err)
	}
	return stored, nil
}

// Delete removes the author's post.
func (s *Service) Delete(ctx context.Context, author Author, id string) error {
	id, err := ParseID(id)
	if err != nil {
		return err
	}
	if err := s.store.Delete(ctx, id, author.ID); err != nil {
		return fmt.Errorf("post.Delete %s: %w", id, err)
	}
	return nil
}
