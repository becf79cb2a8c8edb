package post

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/outbox"
)

// ErrInvalidLimit is returned for a page size outside 1..MaxLimit.
var ErrInvalidLimit = apperr.Errorf(apperr.Invalid, "INVALID_LIMIT", "limit must be a whole number from 1 to %d.", MaxLimit)

// ErrInvalidVersion is returned for an update that does not name the version
// it was based on.
var ErrInvalidVersion = apperr.New(apperr.Invalid, "INVALID_VERSION", "version must be the positive whole number of the version you edited.")

// Relay publishes the events a change recorded; a failure loses nothing
// (the outbox sweeper publishes what is left), so it is only logged.
type Relay interface {
	Send(ctx context.Context, records ...outbox.Record) error
}

// Service is the posts application service: the rules, over a Store, and
// the domain events every change emits.
type Service struct {
	store    Store
	relay    Relay
	producer string // metadata.producer of the events, e.g. eventboard.createPost
	log      *slog.Logger
	now      func() time.Time
	newID    func() (uuid.UUID, error)
}

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read time from now (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithIDs makes the service mint ids with newID (tests).
func WithIDs(newID func() (uuid.UUID, error)) Option { return func(s *Service) { s.newID = newID } }

// WithLogger makes the service log publish failures to log.
func WithLogger(log *slog.Logger) Option { return func(s *Service) { s.log = log } }

// NewService returns a Service over store that publishes its events through
// relay as producer.
func NewService(store Store, relay Relay, producer string, opts ...Option) *Service {
	s := &Service{store: store, relay: relay, producer: producer, log: slog.New(slog.DiscardHandler), now: time.Now, newID: uuid.NewV7}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Create validates d and stores it as a new post by author, at version 1.
// With an idempotency key (the client's Idempotency-Key; "" for none), a
// repeat of the same key by the same author within IdempotencyTTL creates
// nothing: with the same draft it returns the post the key created (replayed
// is true, and no event is emitted again), with another draft it is
// ErrIdempotencyKeyReused. ErrInvalidIdempotencyKey for a malformed key.
func (s *Service) Create(ctx context.Context, author Author, d Draft, idempotencyKey string) (p Post, replayed bool, err error) {
	if idempotencyKey != "" && !validIdempotencyKey(idempotencyKey) {
		return Post{}, false, ErrInvalidIdempotencyKey
	}
	d, err = d.Normalize()
	if err != nil {
		return Post{}, false, err
	}
	p, ev, err := s.draftPost(ctx, author, d)
	if err != nil {
		return Post{}, false, err
	}
	if idempotencyKey == "" {
		err = s.store.Create(ctx, p, ev)
	} else {
		claim := Claim{Key: author.ID + "#" + idempotencyKey, Digest: d.digest(), PostID: p.ID, Expires: p.CreatedAt.Add(IdempotencyTTL)}
		err = s.store.CreateOnce(ctx, p, ev, claim)
		if prior, ok := asClaimed(err); ok {
			if prior.Digest != claim.Digest {
				return Post{}, false, ErrIdempotencyKeyReused
			}
			earlier, err := s.Get(ctx, prior.PostID)
			return earlier, err == nil, err
		}
	}
	if err != nil {
		return Post{}, false, fmt.Errorf("post.Create %s: %w", p.ID, err)
	}
	s.publish(ctx, ev)
	return p, false, nil
}

// draftPost returns the new post d becomes and its PostCreated event.
func (s *Service) draftPost(ctx context.Context, author Author, d Draft) (Post, outbox.Record, error) {
	id, err := s.newID()
	if err != nil {
		return Post{}, outbox.Record{}, fmt.Errorf("post.Create: new id: %w", err)
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
	ev, err := newEvent(ctx, s, events.PostCreated{
		PostID: p.ID, AuthorID: p.AuthorID, AuthorName: p.AuthorName, Title: p.Title, CreatedAt: p.CreatedAt, Version: p.Version,
	})
	if err != nil {
		return Post{}, outbox.Record{}, fmt.Errorf("post.Create: %w", err)
	}
	return p, ev, nil
}

// Get returns the post with the given id (ErrInvalidID, ErrNotFound) as
// of every write acknowledged before the call: what its author reads after
// a write of their own.
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

// GetShared returns the post as Get does, but may miss a write of about
// the last second (Store.GetShared): for an answer shared caches keep for
// minutes anyway, where that costs nothing and halves the read.
func (s *Service) GetShared(ctx context.Context, id string) (Post, error) {
	id, err := ParseID(id)
	if err != nil {
		return Post{}, err
	}
	p, err := s.store.GetShared(ctx, id)
	if err != nil {
		return Post{}, fmt.Errorf("post.GetShared %s: %w", id, err)
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
	// The read gives the fields an update keeps (createdAt, authorName) and
	// early, clear refusals; the store's conditional write decides.
	cur, err := s.store.Get(ctx, id)
	if err != nil {
		return Post{}, fmt.Errorf("post.Update %s: %w", id, err)
	}
	switch {
	case cur.AuthorID != author.ID:
		return Post{}, ErrNotAuthor
	case cur.Version != version:
		return Post{}, ErrVersionConflict
	}
	next := cur
	next.Title, next.Content = d.Title, d.Content
	next.UpdatedAt = s.now().UTC().Truncate(time.Millisecond)
	next.Version = version + 1
	ev, err := newEvent(ctx, s, events.PostUpdated{
		PostID: id, AuthorID: next.AuthorID, Title: next.Title, UpdatedAt: next.UpdatedAt, Version: next.Version, CreatedAt: next.CreatedAt,
	})
	if err != nil {
		return Post{}, fmt.Errorf("post.Update: %w", err)
	}
	if err := s.store.Update(ctx, next, version, ev); err != nil {
		return Post{}, fmt.Errorf("post.Update %s: %w", id, err)
	}
	s.publish(ctx, ev)
	return next, nil
}

// deleteAttempts bounds how often Delete re-reads a post that changed
// between its read and its write.
const deleteAttempts = 3

// Delete removes the author's post. The event carries the post as it was
// deleted, so the delete is conditional on the version read.
func (s *Service) Delete(ctx context.Context, author Author, id string) error {
	id, err := ParseID(id)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		cur, err := s.store.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("post.Delete %s: %w", id, err)
		}
		if cur.AuthorID != author.ID {
			return ErrNotAuthor
		}
		ev, err := newEvent(ctx, s, events.PostDeleted{
			PostID: id, AuthorID: cur.AuthorID, CreatedAt: cur.CreatedAt,
			DeletedAt: s.now().UTC().Truncate(time.Millisecond), Version: cur.Version,
		})
		if err != nil {
			return fmt.Errorf("post.Delete: %w", err)
		}
		err = s.store.Delete(ctx, id, author.ID, cur.Version, ev)
		if errors.Is(err, ErrVersionConflict) && attempt < deleteAttempts {
			continue // edited meanwhile: delete what is there now
		}
		if err != nil {
			return fmt.Errorf("post.Delete %s: %w", id, err)
		}
		s.publish(ctx, ev)
		return nil
	}
}

// publish sends ev now; what fails stays in the outbox for the sweeper.
func (s *Service) publish(ctx context.Context, ev outbox.Record) {
	if err := s.relay.Send(ctx, ev); err != nil {
		s.log.WarnContext(ctx, "event left in the outbox for the sweeper", "eventId", ev.EventID, "detailType", ev.DetailType, "error", err)
	}
}
