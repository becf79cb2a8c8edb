package local

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/eventboard/eventboard/internal/manifest"
)

// clientLimits stands in for serverless.yml's web ACL on the CloudFront
// distribution (ApiClientLimits, read by manifest.ClientLimits): WAF
// inspects every request before anything else at CloudFront, so it sits in
// front of the whole /api chain, before ApiReadsRouting, the edge cache and
// both origins. An anonymous read that goes to a function URL, or that the
// edge answers from its cache, counts as any other request does.
type clientLimits struct {
	rules []*clientLimiter
}

// newClientLimits reads m's per-client limits; with on false (the stack's
// Unthrottled option) it enforces none.
func newClientLimits(m *manifest.Manifest, on bool) (*clientLimits, error) {
	limits, err := m.ClientLimits()
	if err != nil {
		return nil, err
	}
	c := &clientLimits{}
	if !on {
		return c, nil
	}
	for _, l := range limits {
		if l.Limit < 1 || l.Window <= 0 {
			return nil, fmt.Errorf("client limit %s on %s: %d in %v", l.Name, l.PathPrefix, l.Limit, l.Window)
		}
		c.rules = append(c.rules, newClientLimiter(l))
	}
	return c, nil
}

// serve answers a request over any of the limits itself and passes the
// rest to next. Each request is counted once, by every rule whose prefix
// its path has.
func (c *clientLimits) serve(next http.Handler) http.Handler {
	if len(c.rules) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, l := range c.rules {
			if l.refused(w, r) {
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientLimiter is one rate-based rule: at most Limit requests from one
// source IP within Window to paths starting with PathPrefix; the rest are
// answered Status with Retry-After. WAF counts over a sliding window; here
// a bucket per IP refills at Limit per Window and holds Limit, which allows
// the same sustained rate and the same burst.
type clientLimiter struct {
	limit manifest.ClientLimit
	mu    sync.Mutex
	byIP  map[string]*rate.Limiter
}

// maxClients bounds the buckets a flood of addresses can make; past it they
// start over, which favours the flood no more than a fresh window does.
const maxClients = 100_000

func newClientLimiter(l manifest.ClientLimit) *clientLimiter {
	if l.Status == 0 {
		l.Status = http.StatusTooManyRequests
	}
	return &clientLimiter{limit: l, byIP: map[string]*rate.Limiter{}}
}

// refused answers the request when its client is over the limit, and
// reports whether it did. A refused request takes no token.
func (c *clientLimiter) refused(w http.ResponseWriter, req *http.Request) bool {
	if !strings.HasPrefix(req.URL.Path, c.limit.PathPrefix) {
		return false
	}
	ip, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		ip = req.RemoteAddr
	}
	c.mu.Lock()
	lim := c.byIP[ip]
	if lim == nil {
		if len(c.byIP) >= maxClients {
			clear(c.byIP)
		}
		lim = rate.NewLimiter(rate.Limit(float64(c.limit.Limit)/c.limit.Window.Seconds()), c.limit.Limit)
		c.byIP[ip] = lim
	}
	c.mu.Unlock()
	r := lim.Reserve()
	if r.OK() && r.Delay() == 0 {
		return false
	}
	wait := r.Delay()
	r.Cancel()
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	// The app's error shape, as the web ACL's tooManyRequests body is.
	b, _ := json.Marshal(map[string]string{"code": "TOO_MANY_REQUESTS", "message": "Too many requests from this address; wait a little and try again.", "requestId": uuid.NewString()})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(c.limit.Status)
	_, _ = w.Write(b)
	return true
}
