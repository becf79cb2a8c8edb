package events

import (
	"time"
)

// PostCreated is the data of a PostCreated event: a post was created.
//
// It carries what subscribers need to react (a feed, a notification, a
// counter), not the post: the content stays out, because events live on in
// the bus archive and in subscribers' queues long after a post is edited or
// deleted, and because a subscriber that needs it can read the post
// (GET /api/posts/{postId}) and get the current content or a 404.
type PostCreated struct {
	PostID     string    `json:"postId" check:"uuid"`         // lower-case UUID (a UUIDv7)
	AuthorID   string    `json:"authorId" check:"uuid"`       // the author's Cognito sub, a lower-case UUID
	AuthorName string    `json:"authorName" check:"notEmpty"` // the author's username
	Title      string    `json:"title" check:"title"`         // 1 to MaxTitleLen characters
	CreatedAt  time.Time `json:"createdAt"`                   // UTC, to the millisecond
	Version    int       `json:"version" check:"version"`     // the post's version, 1 on create
}

// Source is SourcePosts.
func (PostCreated) Source() string { return SourcePosts }

// DetailType is DetailTypePostCreated.
func (PostCreated) DetailType() string { return DetailTypePostCreated }

func (PostCreated) isData() {}

// PostUpdated is the data of a PostUpdated event: a post's title or content
// was edited. As for [PostCreated], the content stays out.
type PostUpdated struct {
	PostID    string    `json:"postId" check:"uuid"`     // lower-case UUID (a UUIDv7)
	AuthorID  string    `json:"authorId" check:"uuid"`   // the author's Cognito sub, a lower-case UUID
	Title     string    `json:"title" check:"title"`     // the title after the edit, 1 to MaxTitleLen characters
	UpdatedAt time.Time `json:"updatedAt"`               // UTC, to the millisecond
	Version   int       `json:"version" check:"version"` // the post's version after the edit (each edit adds 1)
	CreatedAt time.Time `json:"createdAt"`               // when the post was created; UTC, to the millisecond
}

// Source is SourcePosts.
func (PostUpdated) Source() string { return SourcePosts }

// DetailType is DetailTypePostUpdated.
func (PostUpdated) DetailType() string { return DetailTypePostUpdated }

func (PostUpdated) isData() {}

// PostDeleted is the data of a PostDeleted event: a post was deleted.
// CreatedAt lets a subscriber undo what it counted for the post's day.
type PostDeleted struct {
	PostID    string    `json:"postId" check:"uuid"`     // lower-case UUID (a UUIDv7)
	AuthorID  string    `json:"authorId" check:"uuid"`   // the author's Cognito sub, a lower-case UUID
	CreatedAt time.Time `json:"createdAt"`               // when the post was created; UTC, to the millisecond
	DeletedAt time.Time `json:"deletedAt"`               // UTC, to the millisecond
	Version   int       `json:"version" check:"version"` // the post's version when it was deleted
}

// Source is SourcePosts.
func (PostDeleted) Source() string { return SourcePosts }

// DetailType is DetailTypePostDeleted.
func (PostDeleted) DetailType() string { return DetailTypePostDeleted }

func (PostDeleted) isData() {}
