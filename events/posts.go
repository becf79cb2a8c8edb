package events

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// PostCreated is the data of a PostCreated event: a post was created.
//
// It carries what subscribers need to react (a feed, a notification, a
// counter), not the post: the content stays out, because events live on in
// the bus archive and in subscribers' queues long after a post is edited or
// deleted, and because a subscriber that needs it can read the post
// (GET /api/posts/{postId}) and get the current content or a 404.
type PostCreated struct {
	PostID     string    `json:"postId"`     // lower-case UUID (a UUIDv7)
	AuthorID   string    `json:"authorId"`   // the author's Cognito sub, a lower-case UUID
	AuthorName string    `json:"authorName"` // the author's username
	Title      string    `json:"title"`      // 1 to MaxTitleLen characters
	CreatedAt  time.Time `json:"createdAt"`  // UTC, to the millisecond
	Version    int       `json:"version"`    // the post's version, 1 on create
}

// Source is SourcePosts.
func (PostCreated) Source() string { return SourcePosts }

// DetailType is DetailTypePostCreated.
func (PostCreated) DetailType() string { return DetailTypePostCreated }

func (d PostCreated) check(prefix string, p *problems) {
	checkID(prefix+"postId", d.PostID, p)
	checkID(prefix+"authorId", d.AuthorID, p)
	checkNotEmpty(prefix+"authorName", d.AuthorName, p)
	checkTitle(prefix+"title", d.Title, p)
	checkTime(prefix+"createdAt", d.CreatedAt, p)
	checkVersion(prefix+"version", d.Version, p)
}

// PostUpdated is the data of a PostUpdated event: a post's title or content
// was edited. As for [PostCreated], the content stays out.
type PostUpdated struct {
	PostID    string    `json:"postId"`    // lower-case UUID (a UUIDv7)
	AuthorID  string    `json:"authorId"`  // the author's Cognito sub, a lower-case UUID
	Title     string    `json:"title"`     // the title after the edit, 1 to MaxTitleLen characters
	UpdatedAt time.Time `json:"updatedAt"` // UTC, to the millisecond
	Version   int       `json:"version"`   // the post's version after the edit (each edit adds 1)
	CreatedAt time.Time `json:"createdAt"` // when the post was created; UTC, to the millisecond
}

// Source is SourcePosts.
func (PostUpdated) Source() string { return SourcePosts }

// DetailType is DetailTypePostUpdated.
func (PostUpdated) DetailType() string { return DetailTypePostUpdated }

func (d PostUpdated) check(prefix string, p *problems) {
	checkID(prefix+"postId", d.PostID, p)
	checkID(prefix+"authorId", d.AuthorID, p)
	checkTitle(prefix+"title", d.Title, p)
	checkTime(prefix+"updatedAt", d.UpdatedAt, p)
	checkVersion(prefix+"version", d.Version, p)
	checkTime(prefix+"createdAt", d.CreatedAt, p)
}

// PostDeleted is the data of a PostDeleted event: a post was deleted.
// CreatedAt lets a subscriber undo what it counted for the post's day.
type PostDeleted struct {
	PostID    string    `json:"postId"`    // lower-case UUID (a UUIDv7)
	AuthorID  string    `json:"authorId"`  // the author's Cognito sub, a lower-case UUID
	CreatedAt time.Time `json:"createdAt"` // when the post was created; UTC, to the millisecond
	DeletedAt time.Time `json:"deletedAt"` // UTC, to the millisecond
	Version   int       `json:"version"`   // the post's version when it was deleted
}

// Source is SourcePosts.
func (PostDeleted) Source() string { return SourcePosts }

// DetailType is DetailTypePostDeleted.
func (PostDeleted) DetailType() string { return DetailTypePostDeleted }

func (d PostDeleted) check(prefix string, p *problems) {
	checkID(prefix+"postId", d.PostID, p)
	checkID(prefix+"authorId", d.AuthorID, p)
	checkTime(prefix+"createdAt", d.CreatedAt, p)
	checkTime(prefix+"deletedAt", d.DeletedAt, p)
	checkVersion(prefix+"version", d.Version, p)
}

func checkTitle(field, title string, p *problems) {
	switch n := utf8.RuneCountInString(title); {
	case !utf8.ValidString(title):
		p.add(field, "must be valid UTF-8")
	case n == 0:
		p.add(field, "must not be empty")
	case n > MaxTitleLen:
		p.add(field, "must be at most "+strconv.Itoa(MaxTitleLen)+" characters")
	}
}

func checkVersion(field string, v int, p *problems) {
	if v < 1 {
		p.add(field, "must be 1 or more")
	}
}
