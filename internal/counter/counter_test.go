package counter_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/counter"
)

const alice = "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

func TestNames(t *testing.T) {
	t.Parallel()
	// Just before midnight in New York is the next UTC day.
	ny := time.FixedZone("EST", -5*3600)
	for _, tc := range []struct{ got, want string }{
		{counter.AuthorPosts(alice), "posts#author#" + alice},
		{counter.DayPosts(time.Date(2026, 11, 25, 23, 59, 59, 999e6, time.UTC)), "posts#day#2026-11-25"},
		{counter.DayPosts(time.Date(2026, 11, 25, 23, 30, 0, 0, ny)), "posts#day#2026-11-26"},
		{counter.DayPosts(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), "posts#day#2026-01-01"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestDayOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		want   time.Time
		wantOK bool
	}{
		{counter.DayPosts(time.Date(2026, 11, 25, 23, 59, 0, 0, time.UTC)), time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), true},
		{"posts#day#2026-02-29", time.Time{}, false}, // not a day
		{"posts#day#2026-1-05", time.Time{}, false},
		{"posts#day#2026-11-25#s3", time.Time{}, false}, // a shard's item, not a counter
		{counter.Posts, time.Time{}, false},
		{counter.AuthorPosts(alice), time.Time{}, false},
	} {
		got, ok := counter.DayOf(tc.name)
		if ok != tc.wantOK || !got.Equal(tc.want) {
			t.Errorf("DayOf(%q) = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestDeltas(t *testing.T) {
	t.Parallel()
	createdAt := time.Date(2026, 11, 25, 23, 59, 59, 999e6, time.UTC)
	for _, tc := range []struct {
		name string
		data events.Data
		want []counter.Delta
	}{
		{"PostCreated", events.PostCreated{AuthorID: alice, CreatedAt: createdAt}, []counter.Delta{
			{Name: "posts", By: 1}, {Name: "posts#author#" + alice, By: 1}, {Name: "posts#day#2026-11-25", By: 1},
		}},
		{"PostDeleted counts down the day of creation", events.PostDeleted{AuthorID: alice, CreatedAt: createdAt, DeletedAt: createdAt.AddDate(0, 0, 3)}, []counter.Delta{
			{Name: "posts", By: -1}, {Name: "posts#author#" + alice, By: -1}, {Name: "posts#day#2026-11-25", By: -1},
		}},
		{"UserConfirmed", events.UserConfirmed{UserID: alice}, []counter.Delta{{Name: "users", By: 1}}},
		{"PostUpdated", events.PostUpdated{AuthorID: alice, CreatedAt: createdAt}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := counter.Deltas(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("deltas (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := counter.Deltas(nil); err == nil {
		t.Error("Deltas(nil) succeeded")
	}
}

func TestSum(t *testing.T) {
	t.Parallel()
	got := counter.Sum([]counter.Delta{{"b", 1}, {"a", 2}, {"b", 1}, {"c", 1}, {"c", -1}, {"d", 0}})
	if diff := cmp.Diff([]counter.Delta{{"a", 2}, {"b", 2}}, got); diff != "" {
		t.Errorf("Sum (-want +got):\n%s", diff)
	}
	if got := counter.Sum(nil); len(got) != 0 {
		t.Errorf("Sum(nil) = %v", got)
	}
}

type values map[string]int64

func (v values) Get(_ context.Context, names ...string) (map[string]int64, error) {
	if v == nil {
		return nil, errors.New("unavailable")
	}
	out := map[string]int64{}
	for _, n := range names {
		if x, ok := v[n]; ok {
			out[n] = x
		}
	}
	return out, nil
}

func (v values) Value(_ context.Context, name string) (int64, error) {
	if v == nil {
		return 0, errors.New("unavailable")
	}
	return v[name], nil
}

func TestReadStats(t *testing.T) {
	t.Parallel()
	// 00:30 on Nov 26 in UTC, still Nov 25 in New York: the days are UTC's.
	now := time.Date(2026, 11, 25, 19, 30, 0, 0, time.FixedZone("EST", -5*3600))
	got, err := counter.ReadStats(context.Background(), values{
		"posts": 12, "users": 4,
		"posts#day#2026-11-26": 2,
		"posts#day#2026-11-25": -1, // a delete overtook its create
		"posts#day#2026-10-28": 3,  // the oldest day shown
		"posts#day#2026-10-27": 9,  // one day too old
		"posts#day#2026-11-27": 9,  // tomorrow (a clock ahead of ours)
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.PostsPerDay) != counter.StatsDays {
		t.Fatalf("%d days, want %d", len(got.PostsPerDay), counter.StatsDays)
	}
	if want := (counter.Totals{Posts: 12, Users: 4}); got.Totals != want {
		t.Errorf("totals = %+v, want %+v", got.Totals, want)
	}
	first, last := got.PostsPerDay[0], got.PostsPerDay[counter.StatsDays-1]
	if want := (counter.Day{Date: "2026-10-28", Posts: 3}); first != want {
		t.Errorf("first day = %+v, want %+v", first, want)
	}
	if want := (counter.Day{Date: "2026-11-26", Posts: 2}); last != want {
		t.Errorf("last day = %+v, want %+v", last, want)
	}
	if d := got.PostsPerDay[counter.StatsDays-2]; d.Posts != 0 {
		t.Errorf("a negative counter shows as %d", d.Posts)
	}
	for i := 1; i < len(got.PostsPerDay); i++ {
		prev, _ := time.Parse(counter.DateLayout, got.PostsPerDay[i-1].Date)
		day, _ := time.Parse(counter.DateLayout, got.PostsPerDay[i].Date)
		if day.Sub(prev) != 24*time.Hour {
			t.Errorf("day %d is %s after %s", i, got.PostsPerDay[i].Date, got.PostsPerDay[i-1].Date)
		}
	}

	if _, err := counter.ReadStats(context.Background(), values(nil), now); err == nil {
		t.Error("a failed read was not reported")
	}
}

func TestPostsBy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		v    values
		want int64
	}{
		{"counted", values{"posts#author#" + alice: 3}, 3},
		{"never posted", values{}, 0},
		{"below zero", values{"posts#author#" + alice: -1}, 0},
	} {
		got, err := counter.PostsBy(ctx, tc.v, alice)
		if err != nil || got != tc.want {
			t.Errorf("%s: PostsBy = %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
	if _, err := counter.PostsBy(ctx, values(nil), alice); err == nil {
		t.Error("a failed read was not reported")
	}
}
