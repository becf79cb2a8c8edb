package local

import (
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/manifest"
)

// routingCase is one case of testdata/api-reads-routing.json: a viewer
// request and the origin ApiReadsRouting selects for it ("" keeps the
// behaviour's, API Gateway).
type routingCase struct {
	Name        string            `json:"name"`
	Method      string            `json:"method"`
	URI         string            `json:"uri"` // without the query string, as CloudFront Functions see it
	QueryString string            `json:"querystring"`
	Headers     map[string]string `json:"headers"`
	Cookies     map[string]string `json:"cookies"`
	Origin      string            `json:"origin"`
}

func routingCases(t *testing.T) []routingCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "api-reads-routing.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []routingCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func (c routingCase) request() *http.Request {
	target := c.URI
	if c.QueryString != "" {
		target += "?" + c.QueryString
	}
	r := httptest.NewRequest(c.Method, target, nil)
	for k, v := range c.Headers {
		r.Header.Set(k, v)
	}
	var cookies []string
	for _, k := range slices.Sorted(maps.Keys(c.Cookies)) {
		cookies = append(cookies, k+"="+c.Cookies[k])
	}
	if len(cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(cookies, "; "))
	}
	return r
}

func loadManifest(t *testing.T) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "local"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The local stack's CloudFront picks the same origin as serverless.yml's
// ApiReadsRouting for every case of the shared table (the JS is held to
// it by TestAPIReadsRoutingFunctionCode).
func TestLocalAPIReadsRoutingMatchesTheTable(t *testing.T) {
	t.Parallel()
	a, err := newAPIReads(loadManifest(t), nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range routingCases(t) {
		if got := a.choose(c.request()); got != c.Origin {
			t.Errorf("%s: origin %q, want %q", c.Name, got, c.Origin)
		}
	}
}

// The function behind each URL origin is the one serverless.yml's
// distribution names, through the function's url; an origin whose
// function declares no url fails the start instead of routing anywhere.
func TestAPIReadsOriginsAreReadFromServerlessYML(t *testing.T) {
	t.Parallel()
	m := loadManifest(t)
	a, err := newAPIReads(m, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for id, o := range a.origins {
		got[id] = o.Function
	}
	if want := map[string]string{"list-url": "listPosts", "post-url": "getPost"}; !maps.Equal(got, want) {
		t.Errorf("origins %v, want %v", got, want)
	}

	noURL := *m
	noURL.Functions = slices.Clone(m.Functions)
	for i, fn := range noURL.Functions {
		if fn.Name == "getPost" {
			raw := maps.Clone(fn.Raw)
			delete(raw, "url")
			noURL.Functions[i].Raw = raw
		}
	}
	if _, err := newAPIReads(&noURL, nil, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "GetPostLambdaFunctionUrl") {
		t.Errorf("an origin of a function without url: err = %v, want it named", err)
	}

	noRouting := *m
	noRouting.Resources = maps.Clone(m.Resources)
	delete(noRouting.Resources, "SiteDistribution")
	if a, err := newAPIReads(&noRouting, nil, slog.New(slog.DiscardHandler)); err != nil || a.choose(httptest.NewRequest("GET", "/api/posts", nil)) != "" {
		t.Errorf("without the distribution: err = %v, want no routing", err)
	}
}

// The event the local function URL sends is one the functions take for a
// function URL's: CloudFront's placeholder signature is not the caller's
// credential, the viewer's cookies are, and there are no path parameters.
func TestLocalFunctionURLEventIsAFunctionURLs(t *testing.T) {
	t.Parallel()
	a, err := newAPIReads(loadManifest(t), nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	o := a.origins["post-url"]
	decode := func(r *http.Request) httpapi.Request {
		return a.functionURLEvent(r, o, "req-1", time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC))
	}
	r := httptest.NewRequest("GET", "/api/posts/p-1?x=1", nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("X-Correlation-Id", "c-1")
	req := decode(r)
	switch {
	case !httpapi.FromFunctionURL(req):
		t.Errorf("not a function URL's event: %+v", req.RequestContext)
	case req.PathParameters != nil || req.RawPath != "/api/posts/p-1" || req.RawQueryString != "x=1" || req.QueryStringParameters["x"] != "1":
		t.Errorf("path %q %v, query %q %v", req.RawPath, req.PathParameters, req.RawQueryString, req.QueryStringParameters)
	case !strings.HasPrefix(req.Headers["authorization"], "AWS4-HMAC-SHA256 Credential=LOCAL/20261207/"):
		t.Errorf("authorization %q, want the origin access control's", req.Headers["authorization"])
	case req.Headers["host"] != o.Host || req.RequestContext.DomainName != o.Host || !strings.Contains(o.Host, ".lambda-url."):
		t.Errorf("host %q, domain %q", req.Headers["host"], req.RequestContext.DomainName)
	case req.Headers["accept"] != "application/json" || httpapi.CorrelationID(req) != "c-1" || req.RequestContext.RequestID != "req-1":
		t.Errorf("viewer's headers %v, request id %q", req.Headers, req.RequestContext.RequestID)
	case httpapi.HasCredentials(req):
		t.Error("the placeholder signature counts as the caller's credentials")
	}
	r.Header.Set("Cookie", "theme=dark; a=b")
	if req := decode(r); !httpapi.HasCredentials(req) || !slices.Equal(req.Cookies, []string{"theme=dark", "a=b"}) || req.Headers["cookie"] != "" {
		t.Errorf("cookies %v (header %q): want them the caller's credentials", req.Cookies, req.Headers["cookie"])
	}
}

// TestAPIReadsRoutingFunctionCode runs serverless.yml's ApiReadsRouting
// under node, with a stub for CloudFront's cloudfront module, on every case
// of the shared table: the deployed function and the local stack route
// alike.
func TestAPIReadsRoutingFunctionCode(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is required in CI: ", err)
		}
		t.Skip("node is not installed")
	}
	res, ok := loadManifest(t).Resources[apiReadsFunction]
	if !ok || res.Type != "AWS::CloudFront::Function" {
		t.Fatalf("serverless.yml has no CloudFront function %s", apiReadsFunction)
	}
	code, _ := res.Properties["FunctionCode"].(string)
	const importLine = "import cf from 'cloudfront';"
	if strings.Count(code, importLine) != 1 {
		t.Fatalf("FunctionCode does not import the cloudfront module once as %q:\n%s", importLine, code)
	}
	code = strings.Replace(code, importLine, cloudfrontStub, 1)
	dir := t.TempDir()
	script := filepath.Join(dir, "routing.js")
	if err := os.WriteFile(script, []byte(code+routingHarness), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := routingCases(t)
	out, err := exec.CommandContext(t.Context(), node, script, filepath.Join("testdata", "api-reads-routing.json")).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("node: %v\n%s", err, stderr)
	}
	var results []struct {
		Selected []string `json:"selected"`
		Request  bool     `json:"returnedTheRequest"`
	}
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(cases) {
		t.Fatalf("node's answer %s: %v", out, err)
	}
	for i, c := range cases {
		r := results[i]
		want := []string{}
		if c.Origin != "" {
			want = []string{c.Origin}
		}
		if !slices.Equal(r.Selected, want) || !r.Request {
			t.Errorf("%s: selected %q (returned the request: %v), want %q", c.Name, r.Selected, r.Request, want)
		}
	}
}

// cloudfrontStub stands for the cloudfront module of CloudFront Functions:
// it records the origins the function selects.
const cloudfrontStub = `var cf = { selected: [], selectRequestOriginById: function (id) { cf.selected.push(id); } };`

// routingHarness runs handler on each case of the table named by the first
// argument, as CloudFront's viewer-request event, and prints what it did.
const routingHarness = `
var cases = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
var out = cases.map(function (c) {
  var values = function (m, lower) {
    var o = {};
    Object.keys(m || {}).forEach(function (k) { o[lower ? k.toLowerCase() : k] = { value: m[k] }; });
    return o;
  };
  var querystring = {};
  (c.querystring ? c.querystring.split('&') : []).forEach(function (p) {
    var i = p.indexOf('=');
    querystring[i < 0 ? p : p.slice(0, i)] = { value: i < 0 ? '' : p.slice(i + 1) };
  });
  var request = { method: c.method, uri: c.uri, querystring: querystring, headers: values(c.headers, true), cookies: values(c.cookies, false) };
  cf.selected = [];
  var returned = handler({ version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '203.0.113.7' }, request: request });
  return { selected: cf.selected, returnedTheRequest: returned === request };
});
process.stdout.write(JSON.stringify(out));
`
