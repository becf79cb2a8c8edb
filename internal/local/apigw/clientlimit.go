package apigw

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ClientLimit is a per-client limit in front of the routes and their shared
// buckets, as an AWS WAF rate-based rule on the CloudFront distribution
// before API Gateway: at most Limit requests from one source IP within
// Window to paths starting with PathPrefix; the rest are answered Status
// with Retry-After. WAF counts over a sliding window; here a bucket per IP
// refills at Limit per Window and holds Limit, which allows the same
// sustained rate and the same burst.
type ClientLimit struct {
	PathPrefix string
	Limit      int
	Window     time.Duration
	Status     int // 429 if zero
}

// maxClients bounds the buckets a flood of addresses can make; past it they
// start over, which favours the flood no more than a fresh window does.
const maxClients = 100_000

type clientLimiter struct {
	limit ClientLimit
	mu    sync.Mutex
	byIP  map[string]*rate.Limiter
}

func newClientLimiter(l ClientLimit) *clientLimiter {
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
	writeError(w, c.limit.Status, "TOO_MANY_REQUESTS", "Too many requests from this address; wait a little and try again.", newRequestID())
	return true
}
