package sim

import "time"

// SeedRoutes is the seed's traffic over 13 of the 15 routes (not the
// password reset's forgot and reset): how the 6.3 M requests a month split
// between the functions, and how long each takes warm. The seed gives only the total; the split is an estimate for a
// bulletin board, reads far ahead of writes, and the durations are those of
// the handlers on DynamoDB (single-digit to tens of ms) and Cognito (a
// hundred ms and more).
var SeedRoutes = []Route{
	{"listPosts", 0.30, 15 * time.Millisecond},
	{"getPost", 0.30, 10 * time.Millisecond},
	{"getStats", 0.08, 10 * time.Millisecond},
	{"refresh", 0.08, 120 * time.Millisecond},
	{"myInfo", 0.06, 15 * time.Millisecond},
	{"createPost", 0.05, 35 * time.Millisecond},
	{"login", 0.04, 150 * time.Millisecond},
	{"logout", 0.035, 80 * time.Millisecond},
	{"updatePost", 0.02, 35 * time.Millisecond},
	{"deletePost", 0.01, 30 * time.Millisecond},
	{"signUp", 0.01, 200 * time.Millisecond},
	{"confirmSignUp", 0.01, 150 * time.Millisecond},
	{"resendCode", 0.005, 150 * time.Millisecond},
}

// SeedModel is the seed's month: 6.3 M requests over SeedRoutes with a
// strong day/night curve, environments reclaimed after 5 to 15 idle minutes
// and recycled after 2 to 6 hours whatever they do, 256 MB functions, and
// an init of Init.
func SeedModel(seed uint64, init time.Duration) Model {
	return Model{
		Seed:        seed,
		Requests:    6_300_000,
		Routes:      SeedRoutes,
		DayNight:    0.8,
		IdleReclaim: [2]time.Duration{5 * time.Minute, 15 * time.Minute},
		Lifetime:    [2]time.Duration{2 * time.Hour, 6 * time.Hour},
		Init:        init,
		MemoryMB:    256,
	}
}
