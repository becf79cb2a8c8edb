package local

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eventboard/eventboard/internal/manifest"
)

// edgeCache stands in for the deployed distribution's cache in front of
// /api: the cache behaviours of serverless.yml's SiteDistribution whose
// CachePolicyId names a cache policy of the file, with that policy's TTLs
// and cache key (headers and query strings). Paths no such behaviour
// matches pass through uncached, as under Managed-CachingDisabled. Every
// answer says what happened as CloudFront does, in X-Cache ("Hit from
// cloudfront", "Miss from cloudfront"), and GET /local/cache counts them.
// On AWS: CloudFront itself.
type edgeCache struct {
	behaviors []*cacheBehavior
	now       func() time.Time

	mu      sync.Mutex
	entries map[string]*cacheEntry
}

// maxCacheEntries bounds the local cache; past it the expired entries go.
const maxCacheEntries = 10_000

type cacheBehavior struct {
	PathPattern  string   `json:"pathPattern"`
	Policy       string   `json:"cachePolicy"`
	MinTTL       int      `json:"minTTL"`
	DefaultTTL   int      `json:"defaultTTL"`
	MaxTTL       int      `json:"maxTTL"`
	Headers      []string `json:"headersInKey"`
	QueryStrings []string `json:"queryStringsInKey"`
	Hits         int      `json:"hits"`
	Misses       int      `json:"misses"`
	match        *regexp.Regexp
}

type cacheEntry struct {
	status     int
	header     http.Header
	body       []byte
	stored     time.Time
	ttl, stale time.Duration
	refreshing bool
}

// newEdgeCache reads the distribution's cached behaviours from m; none
// when m declares no distribution or no cache policy of its own.
func newEdgeCache(m *manifest.Manifest) (*edgeCache, error) {
	c := &edgeCache{now: time.Now, entries: map[string]*cacheEntry{}}
	for _, r := range m.Resources {
		if r.Type != "AWS::CloudFront::Distribution" {
			continue
		}
		list, _ := dig(r.Properties, "DistributionConfig", "CacheBehaviors").([]any)
		for i, raw := range list {
			id, _ := dig(raw, "CachePolicyId", "Ref").(string)
			if id == "" {
				continue // a managed policy: the API's is CachingDisabled
			}
			b, err := behavior(m, id, raw)
			if err != nil {
				return nil, fmt.Errorf("newEdgeCache: %s.CacheBehaviors[%d]: %w", r.LogicalID, i, err)
			}
			c.behaviors = append(c.behaviors, b)
		}
	}
	return c, nil
}

func behavior(m *manifest.Manifest, policyID string, raw any) (*cacheBehavior, error) {
	res, ok := m.Resources[policyID]
	if !ok || res.Type != "AWS::CloudFront::CachePolicy" {
		return nil, fmt.Errorf("CachePolicyId names %s, not a cache policy of the file", policyID)
	}
	cfg := dig(res.Properties, "CachePolicyConfig")
	pattern, _ := dig(raw, "PathPattern").(string)
	b := &cacheBehavior{PathPattern: pattern, Policy: policyID}
	for _, ttl := range []struct {
		key string
		to  *int
	}{{"MinTTL", &b.MinTTL}, {"DefaultTTL", &b.DefaultTTL}, {"MaxTTL", &b.MaxTTL}} {
		n, ok := asInt(dig(cfg, ttl.key))
		if !ok {
			return nil, fmt.Errorf("%s has no %s", policyID, ttl.key)
		}
		*ttl.to = n
	}
	key := dig(cfg, "ParametersInCacheKeyAndForwardedToOrigin")
	if v := dig(key, "CookiesConfig", "CookieBehavior"); v != "none" {
		return nil, fmt.Errorf("%s: cookies in the cache key (%v); the local cache knows none", policyID, v)
	}
	var err error
	if b.Headers, err = keyNames(key, "HeadersConfig", "HeaderBehavior", "Headers"); err != nil {
		return nil, fmt.Errorf("%s: %w", policyID, err)
	}
	if b.QueryStrings, err = keyNames(key, "QueryStringsConfig", "QueryStringBehavior", "QueryStrings"); err != nil {
		return nil, fmt.Errorf("%s: %w", policyID, err)
	}
	b.match = manifest.PathPattern(pattern)
	return b, nil
}

// keyNames are the names a whitelist (or none) puts in the cache key.
func keyNames(key any, config, behavior, names string) ([]string, error) {
	switch dig(key, config, behavior) {
	case "none":
		return nil, nil
	case "whitelist":
		list, _ := dig(key, config, names).([]any)
		out := make([]string, 0, len(list))
		for _, n := range list {
			out = append(out, fmt.Sprint(n))
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%s.%s %v; the local cache knows none and whitelist", config, behavior, dig(key, config, behavior))
	}
}

// serve answers r from the cache or from next, as CloudFront would.
func (c *edgeCache) serve(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := c.behaviorFor(r.URL.Path)
		if b == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			w.Header().Set("X-Cache", "Miss from cloudfront")
			next.ServeHTTP(w, r)
			return
		}
		key := b.key(r)
		now := c.now()
		c.mu.Lock()
		e, ok := c.entries[key]
		age := time.Duration(0)
		if ok {
			age = now.Sub(e.stored)
		}
		switch {
		case ok && age < e.ttl:
			b.Hits++
			c.mu.Unlock()
			e.write(w, r, age)
			return
		case ok && age < e.ttl+e.stale:
			// stale-while-revalidate: the stale copy now, the next one
			// fetched in the background (once).
			b.Hits++
			refresh := !e.refreshing
			e.refreshing = true
			c.mu.Unlock()
			e.write(w, r, age)
			if refresh {
				go c.fetch(b, key, next, r.Clone(context.WithoutCancel(r.Context())))
			}
			return
		}
		b.Misses++
		c.mu.Unlock()
		e = c.fetch(b, key, next, r)
		e.write(w, r, -1)
	})
}

// fetch asks next and keeps the answer for as long as b's policy and its
// Cache-Control allow.
func (c *edgeCache) fetch(b *cacheBehavior, key string, next http.Handler, r *http.Request) *cacheEntry {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	e := &cacheEntry{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes(), stored: c.now()}
	e.ttl, e.stale = b.ttl(rec.Code, e.header.Get("Cache-Control"))
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.ttl <= 0 {
		delete(c.entries, key)
		return e
	}
	if len(c.entries) >= maxCacheEntries {
		for k, old := range c.entries {
			if c.now().Sub(old.stored) >= old.ttl+old.stale {
				delete(c.entries, k)
			}
		}
	}
	c.entries[key] = e
	return e
}

// ttl is how long CloudFront keeps an answer (status, Cache-Control)
// under b's policy, and how long after that it may serve it stale while
// fetching the next: s-maxage, else max-age, else the default TTL, within
// the minimum and the maximum; nothing for no-store, no-cache or private
// with a minimum of 0, and for a status other than 200 (the distribution
// keeps no error).
func (b *cacheBehavior) ttl(status int, cacheControl string) (ttl, stale time.Duration) {
	if status != http.StatusOK {
		return 0, 0
	}
	d := directives(cacheControl)
	_, noStore := d["no-store"]
	_, noCache := d["no-cache"]
	_, private := d["private"]
	secs := b.DefaultTTL
	if v, ok := d["max-age"]; ok {
		secs = v
	}
	if v, ok := d["s-maxage"]; ok {
		secs = v
	}
	if noStore || noCache || private {
		secs = 0
	}
	secs = min(max(secs, b.MinTTL), b.MaxTTL)
	return time.Duration(secs) * time.Second, time.Duration(d["stale-while-revalidate"]) * time.Second
}

// directives parses a Cache-Control value; a directive without a number
// maps to 0.
func directives(v string) map[string]int {
	out := map[string]int{}
	for _, part := range strings.Split(v, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		n, _ := strconv.Atoi(strings.Trim(val, `"`))
		out[strings.ToLower(name)] = n
	}
	return out
}

func (c *edgeCache) behaviorFor(path string) *cacheBehavior {
	for _, b := range c.behaviors {
		if b.match.MatchString(path) {
			return b
		}
	}
	return nil
}

// key is the cache key of r under b: the path, the query strings and
// headers the policy names (each sorted, absent ones left out).
func (b *cacheBehavior) key(r *http.Request) string {
	var k strings.Builder
	k.WriteString(r.URL.Path)
	q := r.URL.Query()
	for _, name := range slices.Sorted(slices.Values(b.QueryStrings)) {
		for _, v := range q[name] {
			fmt.Fprintf(&k, "\x00q:%s=%s", name, v)
		}
	}
	for _, name := range b.Headers {
		if v := r.Header.Get(name); v != "" {
			fmt.Fprintf(&k, "\x00h:%s=%s", strings.ToLower(name), v)
		}
	}
	return k.String()
}

// write sends e; age < 0 means it was fetched for this very request.
func (e *cacheEntry) write(w http.ResponseWriter, r *http.Request, age time.Duration) {
	for k, v := range e.header {
		w.Header()[k] = v
	}
	if age >= 0 {
		w.Header().Set("Age", strconv.Itoa(int(age.Seconds())))
		w.Header().Set("X-Cache", "Hit from cloudfront")
	} else {
		w.Header().Set("X-Cache", "Miss from cloudfront")
	}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.body)
	}
}

// stats serves GET /local/cache: each cached behaviour, its policy and
// its hits and misses since the stack started.
func (c *edgeCache) stats(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	out := struct {
		Behaviors []cacheBehavior `json:"behaviors"`
		Entries   int             `json:"entries"`
	}{Entries: len(c.entries)}
	for _, b := range c.behaviors {
		out.Behaviors = append(out.Behaviors, *b)
	}
	c.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
