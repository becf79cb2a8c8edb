package costmodel

import (
	"fmt"
	"strings"
)

// writeCache says how the edge cache was simulated, the hit ratios it
// found route by route with and without Origin Shield and as traffic
// grows, what the month costs at other ratios, and what holds the API back
// end above its floor.
func writeCache(b *strings.Builder, base Estimate, growth []Estimate, c Cache) {
	r := c.Readers
	fmt.Fprintf(b, `
## CloudFront's cache

The public reads are answered by CloudFront's cache for as long as the
functions' Cache-Control allows (docs/api.md, "Caching"); only the misses,
and the background fetches of stale-while-revalidate, reach the origin
(the list's and the posts' anonymous reads their function's URL, the
stats API Gateway), Lambda and DynamoDB, and only those are billed there
(CloudFront and WAF bill every request). The hit ratios come from a simulation
(internal/costmodel/edgecache.go) of %d days of the scenario's reads:
Poisson arrivals at each route's share, swinging ±%.0f%% over the day,
split evenly over %d regional edge caches (a board read in North America
and Europe; an edge location's own cache in front of each would only add
hits); %.0f%% of list reads are the first page and each later page half
as many as the one before, its cursor taken from the copy of the page
before; a post is picked by its recency rank on a Zipf law (exponent
%.1f), the newest moving at the creates' rate. Where serverless.yml puts
a route's origin behind Origin Shield, a regional cache's miss asks the
shield's one cache, and only its misses reach the origin; a copy's age
counts from the origin's answer in every layer, so a region never keeps
the shield's copy past its s-maxage.

Each route's reads answered by CloudFront, with its origin behind
the shield and not (in brackets, those a regional cache answers alone);
in bold, what serverless.yml has and the month is priced with:

| route | fresh (s-maxage) | then stale while revalidating | Origin Shield in serverless.yml | without the shield | with the shield |
|---|---|---|---|---|---|
`, r.Days, 100*r.DailySwing, r.Caches, 100*r.FirstPage, r.PostSkew)
	for _, cr := range c.Routes {
		ch := c.Shield[cr.Route]
		without := fmt.Sprintf("%.1f%%", 100*ch.HitsWithout.Edge)
		with := fmt.Sprintf("%.1f%% (%.1f%%)", 100*ch.HitsWith.Edge, 100*ch.HitsWith.Regional)
		if cr.Shielded {
			with = "**" + with + "**"
		} else {
			without = "**" + without + "**"
		}
		fmt.Fprintf(b, "| %s | %.0f s | %.0f s | %s | %s | %s |\n", cr.Route, cr.SharedTTL, cr.StaleWhile, yesNo(cr.Shielded), without, with)
	}

	b.WriteString(`
### Origin Shield, route by route

Origin Shield bills every request a regional cache passes it, hit or miss
there, and spares the origin, Lambda and DynamoDB only its hits; each
miss it spares is also a trace and log lines fewer. Each route's API back
end and whole bill a month with its reads behind the shield and not (the
other routes as serverless.yml has them); serverless.yml takes the
cheaper whole bill:

| route | back end without the shield | with it | whole bill without the shield | with it | serverless.yml |
|---|---|---|---|---|---|
`)
	for _, cr := range c.Routes {
		ch := c.Shield[cr.Route]
		fmt.Fprintf(b, "| %s | %.2f | %.2f | %.2f | %.2f | %s |\n", cr.Route, ch.Without, ch.With, ch.WithoutTotal, ch.WithTotal, map[bool]string{true: "behind the shield", false: "straight to its origin"}[cr.Shielded])
	}
	b.WriteString(`
The shield saves where every region asks for the same few answers: one
copy at the shield serves them all. A post is read only a couple of times
in its life, so the shield seldom holds the one asked for, and bills the
request all the same.
`)

	if len(growth) > 0 {
		b.WriteString(`
### As traffic grows

The share of each route's reads answered by CloudFront (and by a
regional cache alone), simulated at each month's traffic: more readers
find each copy while it is fresh.

| route |`)
		all := append([]Estimate{base}, growth...)
		for _, e := range all {
			fmt.Fprintf(b, " %s |", e.Scenario.Name)
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(all)) + "\n")
		for _, cr := range c.Routes {
			fmt.Fprintf(b, "| %s |", cr.Route)
			for _, e := range all {
				h := e.Scenario.Edge[cr.Route]
				fmt.Fprintf(b, " %.1f%% (%.1f%%) |", 100*h.Edge, 100*h.Regional)
			}
			b.WriteString("\n")
		}
	}

	b.WriteString(`
### The month at other hit ratios

The same ratio for the three routes (answered by CloudFront). The
shield, where the stack has it, is billed for the regional caches' misses
as simulated, which keeps even 100% above the floor below.

| hit ratio | API back end | everything |
|---|---|---|
`)
	for _, x := range c.Sensitivity {
		fmt.Fprintf(b, "| %.0f%% | %.2f | %.2f |\n", 100*x.HitRatio, x.Backend, x.Total)
	}

	_, parts := base.Total()
	backend := parts[APIBackend]
	fmt.Fprintf(b, `
### What holds it above the floor

With every public read answered by a regional cache, the API back end
would be **$%.2f**: the floor no cache lowers, the design's writes
(DynamoDB's write units above all), the auth routes, myinfo, storage and,
where the stack routes reads past API Gateway, the routing function on
every request of the posts' behaviours. The month priced above is $%.2f;
what each cached route adds:

| route | its requests that reach the origin | their cost there | Origin Shield | above the floor |
|---|---|---|---|---|
`, c.Floor, backend)
	var sum float64
	for _, a := range c.Above {
		sum += a.Origin + a.Shield
		fmt.Fprintf(b, "| %s | %s | %.2f | %.2f | %.2f |\n", a.Route, quantity(a.OriginRequests), a.Origin, a.Shield, a.Origin+a.Shield)
	}
	fmt.Fprintf(b, "| all three | | | | **%.2f** |\n", sum)
	fmt.Fprintf(b, `
Single posts are what no cache absorbs. A post is read %.2f times in its life (the
scenario's reads of a post over its creates), and each post's reads are
independent draws of its recency rank, so a cache, however long it keeps
a post, misses its first read in that cache; %d regional caches miss it
up to %d times.
`, c.ReadsPerPost, r.Caches, r.Caches)
	if backend <= GoalBackendUSD && c.PostMissDirect > 0 {
		fmt.Fprintf(b, `
The month is within the $%d goal by the price of a miss, not by a longer
cache: with the list and the stats always answered at the regional
caches and every post kept for ever, the back end would be $%.2f.`, GoalBackendUSD, c.Bound)
	} else if c.Bound > GoalBackendUSD {
		fmt.Fprintf(b, `
**No freshness reaches the $%d goal in this scenario.** With the list and
the stats always answered at the regional caches and every post kept for
ever (through the shield or not, whichever is less), the API back end
would still be $%.2f.`, GoalBackendUSD, c.Bound)
	} else {
		fmt.Fprintf(b, `
With the list and the stats always answered at the regional caches and
every post kept for ever, the API back end would be $%.2f: the $%d goal
needs posts kept far longer than a board's readers accept.`, c.Bound, GoalBackendUSD)
	}
	if c.PostMissDirect == 0 {
		fmt.Fprintf(b, ` What is left is the price of a miss: a post read
through API Gateway costs the back end $%.2f a million, $%.2f of it API
Gateway's own. Below the goal lies a cheaper way in for the misses, or
fewer reads of single posts, not a longer cache.
`, c.PostMiss, c.PostMissHTTPAPI)
		return
	}
	fmt.Fprintf(b, ` An anonymous read of a post past the caches
goes to getPost's function URL (serverless.yml's ApiReadsRouting), for
$%.2f a million to the back end (Lambda and DynamoDB), where through API
Gateway it would cost $%.2f, $%.2f of it API Gateway's own. The list's
misses go the same way. The routing function costs $%.2f a million on
every request of the posts' behaviours, writes included (CloudFront's
"function invocations (the API reads' routing)", in the back end).
`, c.PostMissDirect, c.PostMiss, c.PostMissHTTPAPI, c.RoutingPerMillion)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
