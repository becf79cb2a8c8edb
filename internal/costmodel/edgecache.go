package costmodel

import (
	"hash/fnv"
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
	// Shielded is whether the route's origin has CloudFront Origin Shield:
	// a regional cache's miss asks the shield's one cache, and only the
	// shield's misses reach API Gateway.
	Shielded bool
}

// Hits is how one route's reads meet the edge.
type Hits struct {
	// Regional is the share of the reads a regional edge cache answers.
	Regional float64
	// Edge is the share answered without a request to API Gateway: by a
	// regional cache or, on a shielded route, by Origin Shield. Without a
	// shield it is Regional.
	Edge float64
}

// SimulateHits returns, for each of routes, how its reads meet the edge
// over r.Days of s's traffic. A read is a hit when its cache holds the
// answer fresh, or stale within stale-while-revalidate; the background
// fetch that a stale hit starts is counted as a miss (it goes on to the
// next layer), so the ratios are 1 − requests to the next layer ÷ reads,
// what the bill follows. Each route's reads arrive as a Poisson process
// at its share of s.Requests, spread over the caches evenly; posts are
// created at the creates' rate, which moves the newest post and the second
// page's cursor.
//
// A copy is fresh for SharedTTL from when the origin answered it, in every
// layer: a regional cache that takes the shield's copy keeps it only for
// what is left of it (the Age the shield sends counts against s-maxage).
func SimulateHits(s Scenario, r Readers, routes []CachedRoute, seed uint64) map[string]Hits {
	const month = 30 * 24 * 3600.0
	createRate := 0.0
	rate := map[string]float64{}
	for _, sh := range s.Mix {
		rate[sh.Route] = s.Requests * sh.Fraction / month
		if sh.Emits == "PostCreated" {
			createRate = s.Requests * sh.Fraction / month
		}
	}
	out := map[string]Hits{}
	horizon := float64(r.Days) * 24 * 3600
	for _, cr := range routes {
		// Each route draws from a stream of its own, so its ratios do not
		// depend on which routes are simulated before it.
		rng := rand.New(rand.NewPCG(seed, routeStream(cr.Route)))
		zipf := rand.NewZipf(rng, r.PostSkew, 1, 1<<20)
		// A cache maps a key to when the origin answered its copy.
		caches := make([]map[int64]float64, r.Caches)
		for i := range caches {
			caches[i] = map[int64]float64{}
		}
		shield := map[int64]float64{}
		peak := rate[cr.Route] * (1 + r.DailySwing)
		var reads, regionalMisses, origin int
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
					key = page<<40 | int64(c[0]*1000)&(1<<40-1)
				}
			}
			if answered, ok := c[key]; ok && t-answered < cr.SharedTTL {
				continue
			}
			// A miss, or a stale hit's fetch (within StaleWhile of
			// expiry): either way one request to the next layer.
			regionalMisses++
			if answered, ok := shield[key]; cr.Shielded && ok && t-answered < cr.SharedTTL {
				c[key] = answered
				continue
			}
			origin++
			c[key] = t
			if cr.Shielded {
				shield[key] = t
			}
		}
		if reads > 0 {
			out[cr.Route] = Hits{
				Regional: 1 - float64(regionalMisses)/float64(reads),
				Edge:     1 - float64(origin)/float64(reads),
			}
		}
	}
	return out
}

// routeStream numbers a route's random stream: FNV-1a of its name.
func routeStream(route string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(route))
	return h.Sum64()
}
