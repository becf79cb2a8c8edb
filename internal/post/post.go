// Package post is the posts domain: what a post is, the rules a post must
// follow, and the application service the API handlers call.
//
// It imports nothing from AWS or HTTP. Storage is behind the Store interface,
// declared here by its consumer and implemented by package dynamo (and by an
// in-memory fake in tests).
package post

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/outbox"
)

// Limits on what a post may hold, in characters (Unicode code points).
const (
	MaxTitleLen   = 200
	MaxContentLen = 20000
)

// Paging limits for List.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Post is one bulletin-board post.
type Post struct {
	ID         string    `json:"id"` // a UUIDv7: unguessable, and ordered by creation time
	Title      string    `json:"title"`
	Content    string    `json:"content"`
	AuthorID   string    `json:"authorId"` // the author's Cognito sub
	AuthorName string    `json:"authorName"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	Version    int       `json:"version"` // 1 on create, +1 on every update
}

// Author identifies the caller who writes a post.
type Author struct {
	ID   string // Cognito sub
	Name string // Cognito username
}

// Draft is the user-supplied part of a post.
type Draft struct {
	Title   string
	Content string
}

// Normalize validates d against the text rules (text.go) and the limits,
// and returns it in the form it is stored: the title trimmed of surrounding
// white space, the content as given. It returns an apperr.Invalid error
// (INVALID_TITLE, INVALID_CONTENT) naming the first field that breaks a rule.
func (d Draft) Normalize() (Draft, error) {
	title := strings.TrimSpace(d.Title)
	switch n := utf8.RuneCountInString(title); {
	case !utf8.ValidString(d.Title):
		return Draft{}, apperr.New(apperr.Invalid, "INVALID_TITLE", "title must be valid UTF-8 text.")
	case n == 0 || !hasVisible(title):
		return Draft{}, apperr.New(apperr.Invalid, "INVALID_TITLE", "title must not be empty.")
	case n > MaxTitleLen:
		return Draft{}, apperr.Errorf(apperr.Invalid, "INVALID_TITLE", "title must be at most %d characters.", MaxTitleLen)
	case !all(title, titleRune):
		return Draft{}, apperr.New(apperr.Invalid, "INVALID_TITLE", "title must be one line without control or bidirectional formatting characters.")
	}
	switch n := utf8.RuneCountInString(d.Content); {
	case !utf8.ValidString(d.Content):
		return Draft{}, apperr.New(apperr.Invalid, "INVALID_CONTENT", "content must be valid UTF-8 text.")
	case !hasVisible(d.Content):
		return Draft{}, apperr.New(apperr.Invalid, "INVALID_CONTENT", "content must not be empty.")
	case n > MaxContentLen:
		return Draft{}, apperr.Errorf(apperr.Invalid, "INVALID_CONTENT", "content must be at most %d characters.", MaxContentLen)
	case !all(d.Content, contentRune):
		return Draft{}, apperr.New(apperr.Invalid, "INVALID_CONTENT", "content must not hold control characters other than tabs and line breaks.")
	}
	return Draft{Title: title, Content: d.Content}, nil
}

// Page is one page of a newest-first listing.
type Page struct {
	Posts []Post `json:"posts"`
	// NextCursor continues the listing after the last post of this page; it
	// is empty on the last page.
	NextCursor string `json:"nextCursor,omitempty"`
}

// Store persists posts. Every change is written together with the record
// of its event (package outbox) in one transaction: both or neither.
// Implementations guarantee:
//   - Create never overwrites: an existing id is a Conflict (POST_EXISTS).
//   - Get returns NotFound (POST_NOT_FOUND) for an absent post, and sees
//     every write acknowledged before it.
//   - GetShared is Get for an answer that shared caches serve for minutes
//     anyway: it may miss a write of about the last second (on DynamoDB an
//     eventually consistent read, at half the read units), never an older
//     one. Same errors as Get.
//   - List returns up to limit posts, newest first, strictly after the post
//     with id after ("" for the first page), and the id to continue after,
//     "" when nothing follows.
//   - Update and Delete are single conditional writes: the post must exist
//     (NotFound), be the author's (Forbidden, NOT_POST_AUTHOR) and be at
//     the version given (Conflict, VERSION_CONFLICT). Update sets title,
//     content, updatedAt and version from p. A post deleted concurrently is
//     never brought back.
type Store interface {
	Create(ctx context.Context, p Post, ev outbox.Record) error
	// CreateOnce is Create that also records c in the same atomic write.
	// When a claim of c.Key exists and has not expired, it writes nothing
	// and returns a *ClaimedError holding that claim.
	CreateOnce(ctx context.Context, p Post, ev outbox.Record, c Claim) error
	Get(ctx context.Context, id string) (Post, error)
	GetShared(ctx context.Context, id string) (Post, error)
	List(ctx context.Context, limit int, after string) (posts []Post, next string, err error)
	Update(ctx context.Context, p Post, expectedVersion int, ev outbox.Record) error
	Delete(ctx context.Context, id, authorID string, version int, ev outbox.Record) error
}

// Errors the service and stores share.
var (
	ErrNotFound        = apperr.New(apperr.NotFound, "POST_NOT_FOUND", "The post does not exist.")
	ErrNotAuthor       = apperr.New(apperr.Forbidden, "NOT_POST_AUTHOR", "Only the author may change this post.")
	ErrVersionConflict = apperr.New(apperr.Conflict, "VERSION_CONFLICT", "The post was changed since you read it; reload it and try again.")
	ErrExists          = apperr.New(apperr.Conflict, "POST_EXISTS", "A post with this id already exists.")
)
