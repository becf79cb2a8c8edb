// Package counter is the read model the counter worker keeps: named
// counters of posts and users, the changes each domain event makes to them,
// and the statistics the API reads from them.
//
// It imports nothing from AWS or HTTP. The counters live behind small
// interfaces declared by their consumers and implemented by package dynamo
// (and in memory by package inmem).
//
// Events arrive at least once and in any order, so every change is a
// commutative increment applied once per event id: a redelivered event
// changes nothing, and a PostDeleted that overtakes its PostCreated leaves a
// counter briefly below its true value, never wrong once both are applied.
package counter

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// The names of the counters. Every counter is an int64 that starts at 0.
const (
	// Posts is the number of posts that exist.
	Posts = "posts"
	// Users is the number of users who confirmed their sign-up.
	Users = "users"

	authorPrefix = "posts#author#"
	dayPrefix    = "posts#day#"
	// DateLayout is how a day is written in counter names and in stats.
	DateLayout = "2006-01-02"
)

// AuthorPosts names the number of posts of the user with Cognito sub sub.
func AuthorPosts(sub string) string { return authorPrefix + sub }

// DayPosts names the number of existing posts created on t's UTC day.
func DayPosts(t time.Time) string { return dayPrefix + t.UTC().Format(DateLayout) }

// DayOf returns the UTC day (at midnight) whose posts the counter name
// counts, and false when name is not a DayPosts counter.
func DayOf(name string) (time.Time, bool) {
	date, ok := strings.CutPrefix(name, dayPrefix)
	if !ok {
		return time.Time{}, false
	}
	day, err := time.Parse(DateLayout, date)
	if err != nil || day.Format(DateLayout) != date {
		return time.Time{}, false
	}
	return day, true
}

// Delta is a change to one counter.
type Delta struct {
	Name string
	By   int64
}

// Sum returns deltas with one entry per counter name, summed, without the
// ones that sum to zero, sorted by name. A store applies a set of deltas as
// one write, and one write may touch each counter only once.
func Sum(deltas []Delta) []Delta {
	byName := make(map[string]int64, len(deltas))
	for _, d := range deltas {
		byName[d.Name] += d.By
	}
	out := make([]Delta, 0, len(byName))
	for name, by := range byName {
		if by != 0 {
			out = append(out, Delta{Name: name, By: by})
		}
	}
	slices.SortFunc(out, func(a, b Delta) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Change is what one event does to the counters: its deltas, to be applied
// once per EventID (the event's metadata.eventId).
type Change struct {
	EventID string
	Deltas  []Delta
}

// Result is what became of one Change when a batch of them was applied.
type Result struct {
	// Applied is true when this call applied the change, and false with a
	// nil Err when the event had been applied before: nothing changed.
	Applied bool
	// Err means nothing of the change was applied; it may be tried again.
	Err error
}
