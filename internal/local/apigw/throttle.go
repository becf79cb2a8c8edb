package apigw

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// Throttle is an API Gateway token bucket: Rate requests a second on
// average, Burst at once.
type Throttle struct {
	Rate  float64
	Burst int
}

// limiter returns the bucket for t, or nil (no limit) for a nil t.
func (t *Throttle) limiter() *rate.Limiter {
	if t == nil {
		return nil
	}
	return rate.NewLimiter(rate.Limit(t.Rate), t.Burst)
}

// throttled answers 429, in the app's error shape, when the route's bucket
// is empty, with Retry-After saying when a token will be there. It reports
// whether it answered. Like API Gateway's stage and route settings, each
// route has a bucket of its own: its RouteSettings, else the stage's
// DefaultRouteSettings.
func throttled(w http.ResponseWriter, lim *rate.Limiter, requestID string) bool {
	if lim == nil {
		return false
	}
	r := lim.Reserve()
	if r.OK() && r.Delay() == 0 {
		return false
	}
	wait := r.Delay()
	r.Cancel() // a refused request takes no token
	if !r.OK() || wait <= 0 {
		wait = time.Second
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	writeError(w, http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "Too many requests; wait a little and try again.", requestID)
	return true
}
