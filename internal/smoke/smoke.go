// Package smoke checks a deployed Eventboard stage from the outside, as a
// user and an attacker would first try it: the SPA and its security
// headers, the public API, a protected route without a token, the sign-in
// route's origin check, CORS, and, given a test user, the event pipeline
// end to end (a post created is listed, counted in /api/stats within a
// bound, and deleted). `eventboard smoke` runs it; it speaks only HTTP to
// the site's URL, so it runs the same against AWS and `eventboard local`.
package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config is what a run checks.
type Config struct {
	// SiteURL is the site's origin: https://d111.cloudfront.net, or the
	// stage's own domain.
	SiteURL string
	// Username and Password are a confirmed test user's; empty skips the
	// checks that need one (the cookie, the post's round trip).
	Username, Password string
	// APIOnly skips the SPA at /: deploy-backend.yml checks a stage before
	// deploy-frontend.yml has uploaded the SPA (on a first deploy, none).
	APIOnly bool
	// Within bounds how long the post may take to be listed and counted.
	Within time.Duration
	// Poll is how often it looks meanwhile.
	Poll time.Duration
	// Client makes the requests; http.DefaultClient's transport if nil,
	// never following redirects.
	Client *http.Client
}

// Result is one check's outcome.
type Result struct {
	Name string
	// Status is PASS, FAIL or SKIP.
	Status string
	Detail string
}

// Report is a run's results, in the order run.
type Report []Result

// Failed reports whether any check failed.
func (r Report) Failed() bool {
	for _, c := range r {
		if c.Status == "FAIL" {
			return true
		}
	}
	return false
}

// WriteTo writes the report one check a line, and a summary.
func (r Report) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	counts := map[string]int{}
	for _, c := range r {
		counts[c.Status]++
		fmt.Fprintf(&b, "%-4s %s", c.Status, c.Name)
		if c.Detail != "" {
			fmt.Fprintf(&b, ": %s", c.Detail)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%d passed, %d failed, %d skipped\n", counts["PASS"], counts["FAIL"], counts["SKIP"])
	n, err := w.Write(b.Bytes())
	return int64(n), err
}

// foreignOrigin is the attacker's page.
const foreignOrigin = "https://smoke-test.invalid"

// Run runs every check against cfg.SiteURL. A check that fails does not stop
// the others, except where one needs what an earlier one made.
func Run(ctx context.Context, cfg Config) (Report, error) {
	site, err := url.Parse(strings.TrimRight(cfg.SiteURL, "/"))
	if err != nil || (site.Scheme != "https" && site.Scheme != "http") || site.Host == "" || site.Path != "" {
		return nil, fmt.Errorf("smoke: --url %q is not a site origin such as https://d111.cloudfront.net", cfg.SiteURL)
	}
	if cfg.Within <= 0 {
		cfg.Within = time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	client := &http.Client{Timeout: 30 * time.Second}
	if cfg.Client != nil {
		client = &http.Client{Transport: cfg.Client.Transport, Timeout: cfg.Client.Timeout}
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r := &run{ctx: ctx, cfg: cfg, origin: site.Scheme + "://" + site.Host, client: client}
	if cfg.APIOnly {
		r.skip("SPA and its security headers at /", "--api-only")
	} else {
		r.spa()
	}
	r.publicAPI()
	r.protectedRoute()
	r.originCheck()
	r.cors()
	if cfg.Username == "" {
		r.skip("refresh cookie", "no test user (--username, --password)")
		r.skip("post round trip", "no test user (--username, --password)")
		return r.report, nil
	}
	if token, ok := r.login(); ok {
		r.roundTrip(token)
	} else {
		r.skip("post round trip", "the test user could not log in")
	}
	return r.report, nil
}

type run struct {
	ctx    context.Context
	cfg    Config
	origin string
	client *http.Client
	report Report
}

func (r *run) pass(name string) { r.report = append(r.report, Result{name, "PASS", ""}) }
func (r *run) skip(name, why string) {
	r.report = append(r.report, Result{name, "SKIP", why})
}
func (r *run) fail(name, format string, args ...any) {
	r.report = append(r.report, Result{name, "FAIL", fmt.Sprintf(format, args...)})
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) code() string {
	var e struct{ Code string }
	_ = json.Unmarshal(a.body, &e)
	return e.Code
}

func (r *run) do(method, path string, body any, headers ...string) (answer, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(r.ctx, method, r.origin+path, rd)
	if err != nil {
		return answer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return answer{}, err
	}
	return answer{resp.StatusCode, resp.Header, b}, nil
}

// sameOrigin are the headers a browser sends with a fetch of the site's own
// page.
func (r *run) sameOrigin() []string {
	return []string{"Origin", r.origin, "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "cors"}
}
