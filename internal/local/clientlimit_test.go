package local_test

import (
	"net"
	"net/http"
	"sync"
	"testing"
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
