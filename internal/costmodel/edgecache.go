package costmodel

import (
	"math"
	"math/rand/v2"
)

// Readers is how the scenario's public reads meet CloudFront's cache, for
// a simulation of their hits and misses (SimulateHits).
type Readers struct {
	// Caches is how many independent caches the reads split over: the
	// regional edge caches that serve a board's readers in North America
	// and Europe (PriceClass_100). An edge location's own cache in front
	// of each only adds hits, so this is the cautious count.
	Caches int
	// FirstPage is the share of list reads that are the board's first
	// page; each further page is read half as often as the one before.
	FirstPage float64
	// PostSkew is the exponent of the Zipf law by which readers pick a
	// post by its recency rank (1, the newest, most read): posts are read
	// from the first pages while they are new.
	PostSkew float64
	// DailySwing is how much the request rate swings over a day: the rate
	// is the mean times 1 + DailySwing·sin(2πt/day).
	DailySwing float64
	// Days simulated; the ratio of a day holds for the month.
	Days int
}

// SeedReaders are the seed's readers.
func SeedReaders() Readers {
	return Readers{Caches: 6, FirstPage: 0.8, PostSkew: 1.1, DailySwing: 0.6, Days: 2}
}

// CachedRoute is a public read and how long the edge may serve it (the
// function's s-maxage and stale-while-revalidate, in seconds).
type CachedRoute struct {
	Route      string
	SharedTTL  float64
	StaleWhile float64
}

// SimulateHits returns, for each of routes, the share of its reads the
// edge answers without a request to API Gateway, over r.Days of s's
// traffic. A read is a hit when its cache holds the answer fresh, or
// stale within stale-while-revalidate; the background fetch that a stale
// hit starts is counted as a miss (it reaches the origin), so the ratio
// is 1 − origin requests ÷ reads, what the bill follows. Each route's reads
// arrive as a Poisson process at its share of s.Requests, spread over the
// caches evenly; posts are created at the creates' rate, which moves the
// newest post and the second page's cursor.
func SimulateHits(s Scenario, r Readers, routes []CachedRoute, seed uint64) map[string]float64 {
	const month = 30 * 24 * 3600.0
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	createRate := 0.0
	rate := map[string]float64{}
	for _, sh := range s.Mix {
		rate[sh.Route] = s.Requests * sh.Fraction / month
		if sh.Emits == "PostCreated" {
			createRate = s.Requests * sh.Fraction / month
		}
	}
	zipf := rand.NewZipf(rng, r.PostSkew, 1, 1<<20)
	out := map[string]float64{}
	horizon := float64(r.Days) * 24 * 3600
	for _, cr := range routes {
		type entry struct{ stored float64 }
		caches := make([]map[int64]entry, r.Caches)
		for i := range caches {
			caches[i] = map[int64]entry{}
		}
		peak := rate[cr.Route] * (1 + r.DailySwing)
		var reads, origin int
		for t := 0.0; ; {
			// Thinning: arrivals at the peak rate, kept at the rate of the hour.
			t += rng.ExpFloat64() / peak
			if t > horizon {
				break
			}
			if rng.Float64() > (1+r.DailySwing*math.Sin(2*math.Pi*t/86400))/(1+r.DailySwing) {
				continue
			}
			reads++
			c := caches[rng.IntN(r.Caches)]
			key := int64(0) // the stats, or the first page
			switch cr.Route {
			case "GET /api/posts/{id}":
				key = int64(createRate*t) - int64(zipf.Uint64())
			case "GET /api/posts":
				if rng.Float64() >= r.FirstPage {
					page := int64(2)
					for rng.Float64() < 0.5 {
						page++
					}
					// A later page's cursor comes from the copy of the
					// page before it that this cache served.
					key = page<<40 | int64(c[0].stored*1000)&(1<<40-1)
				}
			}
			e, ok := c[key]
			if ok && t-e.stored < cr.SharedTTL {
				continue
			}
			// A miss, or a stale hit's fetch (within StaleWhile of
			// expiry): either way one request to the origin, and a fresh
			// copy from then on.
			origin++
			c[key] = entry{stored: t}
		}
		if reads > 0 {
			out[cr.Route] = 1 - float64(origin)/float64(reads)
		}
	}
	return out
}

// Cache is what docs/cost.md says of the edge cache: the readers
// simulated, the routes' freshness, the hit ratios found (in the priced
// scenario's EdgeHits), and the bill at other ratios.
type Cache struct {
	Readers     Readers
	Routes      []CachedRoute
	Sensitivity []Sensitivity
}

// Sensitivity is the month priced with every public read hitting the
// edge at HitRatio.
type Sensitivity struct {
	HitRatio       float64
	Backend, Total float64
}

// PriceSensitivity prices s at each of ratios, the same for every one of
// routes.
func PriceSensitivity(s Scenario, m Measurements, p Prices, routes []CachedRoute, ratios []float64) ([]Sensitivity, error) {
	var out []Sensitivity
	for _, r := range ratios {
		s.EdgeHits = map[string]float64{}
		for _, cr := range routes {
			s.EdgeHits[cr.Route] = r
		}
		e, err := Price(s, m, p)
		if err != nil {
			return nil, err
		}
		total, parts := e.Total()
		out = append(out, Sensitivity{HitRatio: r, Backend: parts[APIBackend], Total: total})
	}
	return out, nil
}
