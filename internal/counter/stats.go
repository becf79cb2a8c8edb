package counter

import (
	"context"
	"fmt"
	"time"
)

// StatsDays is how many UTC days Stats.PostsPerDay covers, today included.
const StatsDays = 30

// Stats is what GET /api/stats answers.
type Stats struct {
	Totals      Totals `json:"totals"`
	PostsPerDay []Day  `json:"postsPerDay"` // StatsDays days, oldest first, every day present
}

// Totals are the counts over all time.
type Totals struct {
	Posts int64 `json:"posts"`
	Users int64 `json:"users"`
}

// Day is the number of existing posts created on one UTC day.
type Day struct {
	Date  string `json:"date"` // YYYY-MM-DD
	Posts int64  `json:"posts"`
}

// Reader reads counters. A counter that was never written is absent from
// the map (it reads as 0).
type Reader interface {
	Get(ctx context.Context, names ...string) (map[string]int64, error)
}

// ReadStats returns the totals and the posts per day of the StatsDays UTC
// days that end with now's, in one read of r. Days without posts are 0.
func ReadStats(ctx context.Context, r Reader, now time.Time) (Stats, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	names := make([]string, 0, StatsDays+2)
	names = append(names, Posts, Users)
	days := make([]time.Time, StatsDays)
	for i := range days {
		days[i] = today.AddDate(0, 0, i-(StatsDays-1))
		names = append(names, DayPosts(days[i]))
	}
	values, err := r.Get(ctx, names...)
	if err != nil {
		return Stats{}, fmt.Errorf("counter.ReadStats: %w", err)
	}
	s := Stats{
		Totals:      Totals{Posts: count(values[Posts]), Users: count(values[Users])},
		PostsPerDay: make([]Day, len(days)),
	}
	for i, d := range days {
		s.PostsPerDay[i] = Day{Date: d.Format(DateLayout), Posts: count(values[DayPosts(d)])}
	}
	return s, nil
}

// ValueReader reads one counter; a counter that was never written is 0.
type ValueReader interface {
	Value(ctx context.Context, name string) (int64, error)
}

// PostsBy returns the number of posts of the user with Cognito sub sub.
func PostsBy(ctx context.Context, r ValueReader, sub string) (int64, error) {
	v, err := r.Value(ctx, AuthorPosts(sub))
	if err != nil {
		return 0, fmt.Errorf("counter.PostsBy %s: %w", sub, err)
	}
	return count(v), nil
}

// count is a counter's value as shown to users. A counter is below zero
// only while a PostDeleted has overtaken its PostCreated, which the next
// delivery puts right; showing a negative count in the meantime helps no one.
func count(v int64) int64 { return max(v, 0) }
