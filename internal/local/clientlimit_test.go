package local_test

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/local"
)

// TestOneClientCannotUseUpTheAuthBuckets guards the shared buckets against
// a noisy neighbour: one address flooding POST /api/auth/refresh without a
// cookie is stopped by its own limit (429 with Retry-After) before the
// route's bucket is empty, so another user's refreshes still answer 200.
// (Every address of 127.0.0.0/8 is loopback on Linux: the flood comes from
// 127.0.0.2.)
func TestOneClientCannotUseUpTheAuthBuckets(t *testing.T) {
	t.Parallel()
	c := startStack(t) // serverless.yml's buckets and client limits
	c.signUpAndConfirm(t, "bystander")
	_, cookie := c.login(t, "bystander", password)

	noisy := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	var mu sync.Mutex
	statuses := map[int]int{}
	retryAfter := true
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 60 {
				req, _ := http.NewRequest("POST", c.base+"/api/auth/refresh", nil)
				resp, err := noisy.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
					retryAfter = false
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if statuses[429] == 0 || !retryAfter {
		t.Errorf("240 refreshes from one address: %v, want some 429 with Retry-After", statuses)
	}
	for i := range 10 {
		r := c.do("POST", "/api/auth/refresh", "", nil, "Cookie", cookie)
		if r.status != 200 {
			t.Fatalf("the bystander's refresh %d after the flood: %d %s", i, r.status, r.body)
		}
		if ck := setCookie(t, r); ck != nil {
			cookie = "eventboard_refresh=" + ck.Value
		}
	}
}

// smallReadLimit makes serverless.yml's posts-per-ip rule 5 requests in 10
// minutes, as --param would: reached in a few requests, and no token comes
// back (one per 2 minutes) while a test runs.
var smallReadLimit = map[string]string{"clientReadLimit": "5", "clientReadWindow": "600"}

// from is a client whose requests come from ip (any 127.0.0.0/8 address
// is loopback on Linux).
func from(ip net.IP) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}).DialContext}}
}

// createPost creates a post as alice (from 127.0.0.1) and returns its id.
func (c *client) createPost(t *testing.T) string {
	t.Helper()
	r := c.do("POST", "/api/posts", c.token("alice"), jsonBody(map[string]string{"title": "T", "content": "C"}))
	r.want(t, http.StatusCreated, "")
	var p struct{ ID string }
	r.decode(t, &p)
	return p.ID
}

// wantClientLimited checks r is the web ACL's block: 429
// TOO_MANY_REQUESTS with a Retry-After within the 2 minutes a token takes
// at smallReadLimit, answered before either origin (no request id of API
// Gateway's or of a function URL's).
func wantClientLimited(t *testing.T, what string, r response) {
	t.Helper()
	if r.status != http.StatusTooManyRequests {
		t.Errorf("%s: %d %s, want 429", what, r.status, r.body)
		return
	}
	r.want(t, http.StatusTooManyRequests, "TOO_MANY_REQUESTS")
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 120 {
		t.Errorf("%s: Retry-After %q, want 1 to 120 seconds", what, r.header.Get("Retry-After"))
	}
	if got := way(r); got != "both or neither" {
		t.Errorf("%s: the 429 came through %s, want neither origin", what, got)
	}
}

// TestClientLimitsApplyToFunctionURLReads: on AWS the web ACL at CloudFront
// sees every request before ApiReadsRouting picks an origin, so its
// posts-per-ip rule bounds the anonymous reads that go to the functions'
// URLs, past API Gateway. Here too (every read a cache miss): past the
// limit, an address's anonymous reads of a post, of another post and of
// the list are answered 429 and invoke nothing; another address still
// reads through the URL, and the limited address's requests outside
// /api/posts pass.
func TestClientLimitsApplyToFunctionURLReads(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, local.Options{NoEdgeCache: true, Params: smallReadLimit})
	id := c.createPost(t) // 1 of 127.0.0.1's 5
	noisy := from(net.IPv4(127, 0, 0, 2))
	before := c.functionStatus(t)
	for i := range 5 {
		r := c.doWith(noisy, "GET", "/api/posts/"+id, "", nil)
		r.want(t, http.StatusOK, "")
		if got := way(r); got != "function URL" {
			t.Fatalf("read %d answered through %s, want the function URL", i, got)
		}
	}
	for _, path := range []string{"/api/posts/" + id, "/api/posts/" + uuid.NewString(), "/api/posts?limit=5"} {
		wantClientLimited(t, "127.0.0.2's GET "+path+" past the limit", c.doWith(noisy, "GET", path, "", nil))
	}
	after := c.functionStatus(t)
	for fn, want := range map[string]int{"getPost": 5, "listPosts": 0} {
		if got := after[fn].Invocations - before[fn].Invocations; got != want {
			t.Errorf("%s: %d invocations, want %d (none for a refused read)", fn, got, want)
		}
	}
	c.doWith(noisy, "GET", "/api/stats", "", nil).want(t, http.StatusOK, "")
	for _, bystander := range []struct {
		name string
		hc   *http.Client
	}{{"127.0.0.3", from(net.IPv4(127, 0, 0, 3))}, {"127.0.0.1", http.DefaultClient}} {
		r := c.doWith(bystander.hc, "GET", "/api/posts/"+id, "", nil)
		r.want(t, http.StatusOK, "")
		if got := way(r); got != "function URL" {
			t.Errorf("%s's read answered through %s, want the function URL", bystander.name, got)
		}
	}
}

// TestClientLimitsCountEdgeCacheHits: WAF inspects a request before
// CloudFront's cache, so a read the edge answers from its cache counts
// against the address as a miss does. One miss and four hits use up 5; the
// sixth read of the cached post is refused, not answered from the cache,
// and another address still gets the hit.
func TestClientLimitsCountEdgeCacheHits(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, local.Options{Params: smallReadLimit})
	id := c.createPost(t)
	noisy := from(net.IPv4(127, 0, 0, 2))
	for i := range 5 {
		r := c.doWith(noisy, "GET", "/api/posts/"+id, "", nil)
		r.want(t, http.StatusOK, "")
		if want := map[bool]string{true: "Miss from cloudfront", false: "Hit from cloudfront"}[i == 0]; r.header.Get("X-Cache") != want {
			t.Fatalf("read %d: X-Cache %q, want %q", i, r.header.Get("X-Cache"), want)
		}
	}
	wantClientLimited(t, "127.0.0.2's sixth read of a cached post", c.doWith(noisy, "GET", "/api/posts/"+id, "", nil))
	r := c.doWith(from(net.IPv4(127, 0, 0, 3)), "GET", "/api/posts/"+id, "", nil)
	r.want(t, http.StatusOK, "")
	if r.header.Get("X-Cache") != "Hit from cloudfront" {
		t.Errorf("127.0.0.3's read: X-Cache %q, want a hit", r.header.Get("X-Cache"))
	}
}

// TestClientLimitsCountEachRequestOnce: the limits sit in front of both
// origins, and API Gateway no longer applies them again, so an address's
// requests to /api/posts count once each whichever way they go: two reads
// with a token (through API Gateway) and three anonymous ones (through the
// function URL) are the 5 the rule allows, and the sixth is refused at the
// gateway's door as at the URL's. With Unthrottled, nothing is limited.
func TestClientLimitsCountEachRequestOnce(t *testing.T) {
	t.Parallel()
	t.Run("limited", func(t *testing.T) {
		t.Parallel()
		c := startStackWith(t, local.Options{NoEdgeCache: true, Params: smallReadLimit})
		id := c.createPost(t)
		token := c.token("bob")
		noisy := from(net.IPv4(127, 0, 0, 2))
		for i, tc := range []struct{ token, way string }{{token, "API Gateway"}, {"", "function URL"}, {token, "API Gateway"}, {"", "function URL"}, {"", "function URL"}} {
			r := c.doWith(noisy, "GET", "/api/posts/"+id, tc.token, nil)
			r.want(t, http.StatusOK, "")
			if got := way(r); got != tc.way {
				t.Fatalf("read %d answered through %s, want %s", i, got, tc.way)
			}
		}
		wantClientLimited(t, "127.0.0.2's sixth read, with a token", c.doWith(noisy, "GET", "/api/posts/"+id, token, nil))
		wantClientLimited(t, "127.0.0.2's seventh read, anonymous", c.doWith(noisy, "GET", "/api/posts/"+id, "", nil))
	})
	t.Run("unthrottled", func(t *testing.T) {
		t.Parallel()
		c := startStackWith(t, local.Options{NoEdgeCache: true, Unthrottled: true, Params: smallReadLimit})
		id := c.createPost(t)
		noisy := from(net.IPv4(127, 0, 0, 2))
		for i := range 10 {
			if r := c.doWith(noisy, "GET", "/api/posts/"+id, "", nil); r.status != http.StatusOK {
				t.Fatalf("read %d with Unthrottled: %d %s", i, r.status, r.body)
			}
		}
	})
}
