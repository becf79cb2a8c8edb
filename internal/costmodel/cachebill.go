package costmodel

import (
	"fmt"
	"math"
)

// Cache is what docs/cost.md says of the edge cache: the readers
// simulated, the routes as the stack caches them, each route's hit ratios
// and the back end with it behind Origin Shield and not, the bill at other
// ratios, and what holds the back end above its floor.
type Cache struct {
	Readers Readers
	Routes  []CachedRoute
	// Shield is, for each route, its hit ratios and the API back end with
	// the route behind the shield and not, every other route as the stack
	// declares it.
	Shield      map[string]ShieldChoice
	Sensitivity []Sensitivity
	// Floor is the API back end with every public read answered by a
	// regional cache: the writes, the auth routes, myinfo and storage.
	Floor float64
	// Above are what each cached route's reads add to the floor.
	Above []RouteCost
	// Bound is the least API back end any cache could reach: the list
	// and the stats always answered at the regional caches, every post
	// kept for ever, through the shield or not, whichever is less.
	Bound float64
	// ReadsPerPost is how often a post is read in its life: its reads
	// a month over its creates.
	ReadsPerPost float64
	// PostMiss is what one read of a post that reaches API Gateway costs
	// the back end, a dollar a million, and PostMissHTTPAPI the HTTP
	// API's part of it.
	PostMiss, PostMissHTTPAPI float64
	// PostMissDirect is what it costs through getPost's function URL
	// instead, where the stack sends anonymous reads there (0 where it
	// does not), and RoutingPerMillion what the function that sends them
	// costs a million requests.
	PostMissDirect, RoutingPerMillion float64
}

// ShieldChoice is a route's hit ratios, and the API back end a month, with
// the route behind Origin Shield and without it.
type ShieldChoice struct {
	HitsWithout, HitsWith Hits
	Without, With         float64
	// WithoutTotal and WithTotal are the whole month's bill: more misses
	// are also more traces and log lines.
	WithoutTotal, WithTotal float64
}

// RouteCost is what a cached route's reads add to the API back end's
// floor: those that reach API Gateway, and the requests Origin Shield
// bills.
type RouteCost struct {
	Route          string
	OriginRequests float64
	Origin, Shield float64
}

// Sensitivity is the month priced with every public read hitting the
// edge at HitRatio.
type Sensitivity struct {
	HitRatio       float64
	Backend, Total float64
}

// postRoute is the read of a single post, the one route whose reads spread
// over many keys.
const postRoute = "GET /api/posts/{id}"

// PriceCache simulates routes for s (s.Shielded says which routes the
// stack sends through Origin Shield, and must agree with routes), and
// returns s with its Edge filled and what docs/cost.md says of the cache.
func PriceCache(s Scenario, m Measurements, p Prices, r Readers, routes []CachedRoute, seed uint64) (Scenario, Cache, error) {
	c := Cache{Readers: r, Routes: routes, Shield: map[string]ShieldChoice{}}
	s.Edge = SimulateHits(s, r, routes, seed)
	bill := func(s Scenario) (backend, total float64, err error) {
		e, err := Price(s, m, p)
		if err != nil {
			return 0, 0, err
		}
		total, parts := e.Total()
		return parts[APIBackend], total, nil
	}
	backend := func(s Scenario) (float64, error) {
		usd, _, err := bill(s)
		return usd, err
	}

	for i, cr := range routes {
		var choice ShieldChoice
		for _, shielded := range []bool{false, true} {
			alt := withRoute(s, cr.Route, shielded)
			flipped := routes[i]
			flipped.Shielded = shielded
			h := SimulateHits(s, r, []CachedRoute{flipped}, seed)[cr.Route]
			alt.Edge[cr.Route] = h
			usd, total, err := bill(alt)
			if err != nil {
				return s, c, err
			}
			if shielded {
				choice.With, choice.WithTotal, choice.HitsWith = usd, total, h
			} else {
				choice.Without, choice.WithoutTotal, choice.HitsWithout = usd, total, h
			}
		}
		c.Shield[cr.Route] = choice
	}

	all := func(h func(CachedRoute) Hits) Scenario {
		alt := s
		alt.Edge = map[string]Hits{}
		for _, cr := range routes {
			alt.Edge[cr.Route] = h(cr)
		}
		return alt
	}
	var err error
	if c.Floor, err = backend(all(func(CachedRoute) Hits { return Hits{Regional: 1, Edge: 1} })); err != nil {
		return s, c, err
	}
	actual, err := backend(s)
	if err != nil {
		return s, c, err
	}
	for _, cr := range routes {
		hit := s
		hit.Edge = copyHits(s.Edge)
		hit.Edge[cr.Route] = Hits{Regional: 1, Edge: 1}
		without, err := backend(hit)
		if err != nil {
			return s, c, err
		}
		noShield := s
		noShield.Edge = copyHits(s.Edge)
		noShield.Edge[cr.Route] = Hits{Regional: 1, Edge: s.Edge[cr.Route].Edge}
		shieldless, err := backend(noShield)
		if err != nil {
			return s, c, err
		}
		origin := s.Requests * share(s, cr.Route) * (1 - s.Edge[cr.Route].Edge)
		c.Above = append(c.Above, RouteCost{Route: cr.Route, OriginRequests: origin, Origin: shieldless - without, Shield: actual - shieldless})
	}

	// A post's reads are independent draws of its recency rank, so how
	// often it is read in its life is Poisson with mean ReadsPerPost; a
	// cache that never expires misses each post's first read in it.
	c.ReadsPerPost = s.Requests * share(s, postRoute) / creates(s)
	forever := func(caches float64) float64 {
		l := c.ReadsPerPost / caches
		return 1 - (1-math.Exp(-l))/l
	}
	c.Bound = math.Inf(1)
	for _, shielded := range []bool{false, true} {
		alt := all(func(cr CachedRoute) Hits {
			if cr.Route != postRoute {
				return Hits{Regional: 1, Edge: 1}
			}
			h := Hits{Regional: forever(float64(r.Caches))}
			h.Edge = h.Regional
			if shielded {
				h.Edge = forever(1)
			}
			return h
		})
		alt = withRoute(alt, postRoute, shielded)
		usd, err := backend(alt)
		if err != nil {
			return s, c, err
		}
		c.Bound = min(c.Bound, usd)
	}

	post, ok := m.Routes[postRoute]
	if !ok {
		return s, c, fmt.Errorf("costmodel.PriceCache: no measurement of %q", postRoute)
	}
	c.PostMissHTTPAPI = p.HTTPAPIPerMillion
	c.PostMiss = p.HTTPAPIPerMillion + p.LambdaRequestPerMillion + 1e6*billedSeconds(post.InProcessP90ms)*s.MemoryMB/1024*p.LambdaArmGBSecond + post.ReadUnits*p.DynamoDBReadPerMillion
	if s.Direct[postRoute] {
		c.PostMissDirect = c.PostMiss - p.HTTPAPIPerMillion
		c.RoutingPerMillion = p.CloudFrontFunctionsPerMillion
	}

	ratios := []float64{0, 0.5, 0.8, 0.9, 0.95, 1}
	if c.Sensitivity, err = PriceSensitivity(s, m, p, routes, ratios); err != nil {
		return s, c, err
	}
	return s, c, nil
}

// withRoute is s with route behind Origin Shield or not.
func withRoute(s Scenario, route string, shielded bool) Scenario {
	sh := map[string]bool{}
	for k, v := range s.Shielded {
		sh[k] = v
	}
	sh[route] = shielded
	s.Shielded = sh
	s.Edge = copyHits(s.Edge)
	return s
}

func copyHits(h map[string]Hits) map[string]Hits {
	out := make(map[string]Hits, len(h))
	for k, v := range h {
		out[k] = v
	}
	return out
}

// share is route's fraction of s's requests.
func share(s Scenario, route string) float64 {
	for _, sh := range s.Mix {
		if sh.Route == route {
			return sh.Fraction
		}
	}
	return 0
}

// creates are the posts s creates a month.
func creates(s Scenario) float64 {
	for _, sh := range s.Mix {
		if sh.Emits == "PostCreated" {
			return s.Requests * sh.Fraction
		}
	}
	return 0
}

// PriceSensitivity prices s at each of ratios: the share of every one of
// routes answered without a request to API Gateway. Origin Shield, where
// s has it, bills what s.Edge's regional caches miss, or more where a
// ratio is below their hits.
func PriceSensitivity(s Scenario, m Measurements, p Prices, routes []CachedRoute, ratios []float64) ([]Sensitivity, error) {
	var out []Sensitivity
	simulated := s.Edge
	for _, r := range ratios {
		s.Edge = map[string]Hits{}
		for _, cr := range routes {
			s.Edge[cr.Route] = Hits{Regional: min(simulated[cr.Route].Regional, r), Edge: r}
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
