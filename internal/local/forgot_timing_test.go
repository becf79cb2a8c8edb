package local_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/local"
)

// TestForgotTakesTheSameTimeForEveryUser guards against a timing oracle:
// POST /api/auth/forgot must not answer a confirmed user's request (a code
// is made, stored and mailed) measurably later than an unknown user's or an
// unconfirmed one's. Samples are interleaved so the machine's load falls on
// all three alike; the medians are logged. The comparison is asserted only
// without the race detector, whose overhead swamps what is measured.
func TestForgotTakesTheSameTimeForEveryUser(t *testing.T) {
	if testing.Short() {
		t.Skip("measures timings: not a short test")
	}
	const floor = 40 * time.Millisecond
	c := startStackWith(t, local.Options{
		Unthrottled: true,
		Environment: map[string]map[string]string{"forgotPassword": {"FORGOT_ANSWER_AFTER": floor.String()}},
	})
	c.signUpAndConfirm(t, "registered")
	c.do("POST", "/api/auth/signup", "", jsonBody(map[string]string{"username": "pending", "email": "pending@example.com", "password": password})).want(t, 201, "")

	users := []string{"registered", "pending", "stranger"}
	took := map[string][]time.Duration{}
	const samples = 40
	for i := range samples + 3 {
		for j := range users {
			u := users[(i+j)%len(users)] // rotate who goes first
			start := time.Now()
			c.do("POST", "/api/auth/forgot", "", jsonBody(map[string]string{"username": u})).want(t, 202, "")
			if i >= 3 { // the first rounds warm the functions up
				took[u] = append(took[u], time.Since(start))
			}
		}
	}
	median := map[string]time.Duration{}
	for _, u := range users {
		slices.Sort(took[u])
		median[u] = took[u][len(took[u])/2]
	}
	t.Logf("medians of %d samples: confirmed %v, unconfirmed %v, unknown %v", samples, median["registered"], median["pending"], median["stranger"])
	// Every answer waits for the floor, whoever asked: a lower bound,
	// which no load on the machine can break.
	for _, u := range users {
		if took[u][0] < floor {
			t.Errorf("%s: fastest answer %v, before the %v floor", u, took[u][0], floor)
		}
	}
	if raceEnabled {
		return
	}
	const margin = time.Millisecond
	for _, u := range []string{"pending", "stranger"} {
		if d := median["registered"] - median[u]; d > margin || d < -margin {
			t.Errorf("median for a confirmed user %v, for %s %v: %v apart", median["registered"], u, median[u], fmt.Sprint(d))
		}
	}
}
