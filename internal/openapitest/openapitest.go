// Package openapitest holds the HTTP API to its published contract,
// api/openapi.yaml, in tests. The handler tests and the local stack's HTTP
// tests pass every exchange they make through Check or CheckEvent, so an
// answer with a field, status or error code the contract does not document,
// or a documented field missing, fails the test that provoked it.
//
// Only tests import it; it is never linked into a Lambda.
package openapitest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	valerrors "github.com/pb33f/libopenapi-validator/errors"
)

// SpecPath is the contract's path from the repository root.
const SpecPath = "api/openapi.yaml"

// Contract validates exchanges against one OpenAPI document.
type Contract struct {
	routes []Route
	mu     sync.Mutex // the validator reads bodies per call; keep calls apart
	v      validator.Validator
}

// New returns the contract of the OpenAPI document spec. It fails when the
// document does not parse or is not a valid OpenAPI 3.1 document.
func New(spec []byte) (*Contract, error) {
	routes, err := SpecRoutes(spec)
	if err != nil {
		return nil, fmt.Errorf("openapitest.New: %w", err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("openapitest.New: %w", err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapitest.New: %v", errs)
	}
	if ok, problems := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("openapitest.New: the document is not valid OpenAPI: %s", describe(problems))
	}
	return &Contract{routes: routes, v: v}, nil
}

var (
	loadOnce sync.Once
	loaded   *Contract
	loadErr  error
)

// Load returns the repository's contract, api/openapi.yaml, parsed once per
// test binary.
func Load(tb testing.TB) *Contract {
	tb.Helper()
	loadOnce.Do(func() {
		var root string
		if root, loadErr = RepoRoot(); loadErr != nil {
			return
		}
		var spec []byte
		if spec, loadErr = os.ReadFile(filepath.Join(root, SpecPath)); loadErr != nil {
			return
		}
		loaded, loadErr = New(spec)
	})
	if loadErr != nil {
		tb.Fatalf("openapitest.Load: %v", loadErr)
	}
	return loaded
}

// DocumentedRoutes returns the routes api/openapi.yaml documents.
func DocumentedRoutes(tb testing.TB) []Route {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	spec, err := os.ReadFile(filepath.Join(root, SpecPath))
	if err != nil {
		tb.Fatal(err)
	}
	routes, err := SpecRoutes(spec)
	if err != nil {
		tb.Fatal(err)
	}
	return routes
}

// RepoRoot is the directory of go.mod above the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("openapitest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Check fails tb unless the exchange keeps the contract; see Problems.
func Check(tb testing.TB, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
	tb.Helper()
	for _, p := range Load(tb).Problems(req, reqBody, resp, respBody) {
		tb.Errorf("openapi contract: %s %s → %d: %s", req.Method, req.URL.RequestURI(), resp.StatusCode, p)
	}
}

// CheckEvent is Check for a handler called with an API Gateway payload 2.0
// event: the event is turned back into the HTTP request API Gateway
// received, and the handler's answer into the HTTP response it sends.
func CheckEvent(tb testing.TB, ev events.APIGatewayV2HTTPRequest, out events.APIGatewayV2HTTPResponse) {
	tb.Helper()
	req, reqBody := RequestOf(ev)
	resp, respBody := ResponseOf(out)
	for _, p := range Load(tb).Problems(req, reqBody, resp, respBody) {
		tb.Errorf("openapi contract: %s %s → %d: %s", req.Method, req.URL.RequestURI(), resp.StatusCode, p)
	}
}

// Problems lists how one exchange breaks the contract; none when it keeps
// it. The rules:
//
//   - Requests outside /api, and CORS preflights (answered by API Gateway
//     before any route), are not the API's: they are not checked.
//   - The answer must be one the operation documents: its status, its body
//     (every required field present, no undocumented field, every error
//     code in the enum) and its documented headers.
//   - A request the API accepted (2xx) must be one the contract accepts,
//     auth included; a request the contract refuses must be answered 4xx.
//   - A method and path the contract lacks must be answered 404
//     ROUTE_NOT_FOUND in the error shape.
func (c *Contract) Problems(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) []string {
	if !strings.HasPrefix(req.URL.Path, "/api/") || req.Method == http.MethodOptions {
		return nil
	}
	if !c.documents(req.Method, req.URL.Path) {
		// An answer to HEAD has no body to show its code.
		routeNotFound := req.Method == http.MethodHead || bytes.Contains(respBody, []byte(`"code":"ROUTE_NOT_FOUND"`))
		if resp.StatusCode != http.StatusNotFound || !routeNotFound {
			return []string{fmt.Sprintf("the contract has no route %s %s, yet it was answered %d %s", req.Method, req.URL.Path, resp.StatusCode, respBody)}
		}
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()

	req = withBody(req, reqBody)
	reqOK, reqErrs := c.v.ValidateHttpRequestSync(req)
	var problems []string
	status := resp.StatusCode
	if !reqOK && (status < 400 || status > 499) {
		problems = append(problems, fmt.Sprintf("the contract refuses this request (%s), yet it was answered %d", describe(reqErrs), status))
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if ok, errs := c.v.ValidateHttpResponse(withBody(req, reqBody), resp); !ok {
		problems = append(problems, fmt.Sprintf("the answer breaks the contract: %s; body %s", describe(errs), respBody))
	}
	return problems
}

// documents reports whether the contract has an operation for method and
// path, a {parameter} of its path matching any one non-empty segment.
func (c *Contract) documents(method, path string) bool {
	got := strings.Split(path, "/")
	for _, r := range c.routes {
		if r.Method != method {
			continue
		}
		want := strings.Split(r.Path, "/")
		if len(want) != len(got) {
			continue
		}
		match := true
		for i := range want {
			param := strings.HasPrefix(want[i], "{") && strings.HasSuffix(want[i], "}")
			if !(want[i] == got[i] || param && got[i] != "") {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func describe(errs []*valerrors.ValidationError) string {
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Message)
		if e.Reason != "" && e.Reason != e.Message {
			b.WriteString(": " + e.Reason)
		}
		for _, s := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, " [%s: %s]", s.FieldPath, s.Reason)
		}
	}
	return b.String()
}

func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}

// RequestOf rebuilds the HTTP request API Gateway turned into ev.
func RequestOf(ev events.APIGatewayV2HTTPRequest) (*http.Request, []byte) {
	path := ev.RawPath
	if path == "" {
		path = ev.RequestContext.HTTP.Path
	}
	u := &url.URL{Scheme: "https", Host: "127.0.0.1", Path: path, RawQuery: ev.RawQueryString}
	if u.RawQuery == "" && len(ev.QueryStringParameters) > 0 {
		q := url.Values{}
		for k, v := range ev.QueryStringParameters {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(ev.Body); err == nil {
			body = b
		}
	}
	req := &http.Request{Method: ev.RequestContext.HTTP.Method, URL: u, Header: http.Header{}, Host: u.Host}
	for k, v := range ev.Headers {
		req.Header.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	return req, body
}

// ResponseOf builds the HTTP response API Gateway makes of out.
func ResponseOf(out events.APIGatewayV2HTTPResponse) (*http.Response, []byte) {
	resp := &http.Response{StatusCode: out.StatusCode, Status: strconv.Itoa(out.StatusCode), Header: http.Header{}}
	for k, v := range out.Headers {
		resp.Header.Set(k, v)
	}
	for k, vs := range out.MultiValueHeaders {
		for _, v := range vs {
			resp.Header.Add(k, v)
		}
	}
	for _, c := range out.Cookies {
		resp.Header.Add("Set-Cookie", c)
	}
	body := []byte(out.Body)
	if out.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(out.Body); err == nil {
			body = b
		}
	}
	return resp, body
}
