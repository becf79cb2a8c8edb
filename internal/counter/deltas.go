package counter

import (
	"fmt"
	"time"

	"github.com/eventboard/eventboard/events"
)

// Deltas returns the changes an event makes to the counters:
//
//	PostCreated    +1 Posts, +1 AuthorPosts(author), +1 DayPosts(createdAt)
//	PostDeleted    -1 on the same three (the day the post was created)
//	UserConfirmed  +1 Users
//	PostUpdated    none
//
// Each change must be applied once per event (Metadata.EventID), which
// makes the counts exact however often and in whatever order the events
// arrive. The data is expected to be decoded, so valid, by package events;
// an error means a data type this package has no rule for.
func Deltas(data events.Data) ([]Delta, error) {
	switch d := data.(type) {
	case events.PostCreated:
		return postDeltas(d.AuthorID, d.CreatedAt, +1), nil
	case events.PostDeleted:
		return postDeltas(d.AuthorID, d.CreatedAt, -1), nil
	case events.UserConfirmed:
		return []Delta{{Name: Users, By: 1}}, nil
	case events.PostUpdated:
		return nil, nil
	default:
		return nil, fmt.Errorf("counter.Deltas: no rule for %T", data)
	}
}

func postDeltas(author string, createdAt time.Time, by int64) []Delta {
	return []Delta{
		{Name: Posts, By: by},
		{Name: AuthorPosts(author), By: by},
		{Name: DayPosts(createdAt), By: by},
	}
}
