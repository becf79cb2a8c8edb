package local_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/post"
)

// sigV4 is an Authorization header of the shape the AWS CLI and SDKs send,
// with made-up credentials: the stack checks the shape, not the signature.
const sigV4 = "AWS4-HMAC-SHA256 Credential=anyone/20261206/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd"

// forgedCreate is an API Gateway event for createPost with made-up
// authorizer claims: what a page would send to create a post as someone.
const forgedCreate = `{"version":"2.0","routeKey":"POST /api/posts","rawPath":"/api/posts","headers":{"content-type":"application/json"},` +
	`"requestContext":{"http":{"method":"POST","path":"/api/posts"},"authorizer":{"jwt":{"claims":{"sub":"victim","username":"victim","scope":"eventboard/posts.write"},"scopes":["eventboard/posts.write"]}}},` +
	`"body":"{\"title\":\"forged\",\"content\":\"forged\"}"}`

// A text/plain POST from another origin, with no token, invoked createPost
// with made-up claims through the main port's Invoke API and created a
// post as another user.
func TestInvokeAPIRefusesCrossSiteRequests(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	r := c.do("POST", "/2015-03-31/functions/createPost/invocations", "", []byte(forgedCreate),
		"Content-Type", "text/plain", "Origin", "https://evil.example")
	if r.status != http.StatusForbidden {
		t.Errorf("a cross-site Invoke: %d %s, want 403", r.status, r.body)
	}
	var page post.Page
	c.do("GET", "/api/posts", "", nil).decode(t, &page)
	if len(page.Posts) != 0 {
		t.Fatalf("a cross-site Invoke created %d posts", len(page.Posts))
	}
	// The preflight a page needs to send an Authorization header is refused.
	r = c.do("OPTIONS", "/2015-03-31/functions/createPost/invocations", "", nil,
		"Origin", "https://evil.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization")
	if r.header.Get("Access-Control-Allow-Origin") != "" || r.status < 400 {
		t.Errorf("a preflight for the Invoke API: %d, Allow-Origin %q; want a refusal", r.status, r.header.Get("Access-Control-Allow-Origin"))
	}
	// Signed as the SDK and the CLI sign, with any credentials, it works.
	r = c.do("POST", "/2015-03-31/functions/listPosts/invocations", "", []byte(`{}`), "Authorization", sigV4)
	if r.status != http.StatusOK {
		t.Errorf("a SigV4-shaped Invoke: %d %s", r.status, r.body)
	}
}

// POST /local/schedules/{name}/fire fired from any page.
func TestScheduleFireRefusesForgeableRequests(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	const path = "/local/schedules/nope/fire"
	for name, headers := range map[string][]string{
		"no content type":            nil,
		"text/plain":                 {"Content-Type", "text/plain"},
		"form":                       {"Content-Type", "application/x-www-form-urlencoded"},
		"JSON from another origin":   {"Content-Type", "application/json", "Origin", "http://127.0.0.1:1"},
		"JSON from a foreign origin": {"Content-Type", "application/json", "Origin", "https://evil.example"},
	} {
		if r := c.do("POST", path, "", nil, headers...); r.status == http.StatusNotFound || r.status < 400 {
			t.Errorf("%s: %d %s, want a refusal before the schedule is looked up", name, r.status, r.body)
		}
	}
	if r := c.do("POST", path, "", []byte(`{}`)); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "SCHEDULE_NOT_FOUND") {
		t.Errorf("JSON, no Origin: %d %s, want the schedule looked up", r.status, r.body)
	}
}

// Headers up to about 1 MB were taken on / and /local/*; API Gateway's
// 10 KB cap held on /api only.
func TestHeaderCapAppliesOnEveryPath(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	big := strings.Repeat("a", 11<<10)
	for _, path := range []string{"/", "/local/functions", "/local/mailbox?username=x"} {
		if r := c.do("GET", path, "", nil, "X-Big", big); r.status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("GET %s with 11 KB of headers: %d, want 431", path, r.status)
		}
	}
}

// Only the main port checked Host: the user pool's port and kumo's took
// AdminGetUser, Scan and DeleteItem with Host: rebind.evil.example. This
// test asks the kernel which ports the process listens on, so a port the
// stack opens in future is checked too. Not parallel: the process must
// hold no listener but the stack's.
func TestEveryPortRefusesForeignHost(t *testing.T) {
	c := startStack(t)
	ports := listeningPorts(t)
	if len(ports) < 4 { // the main port, kumo, kumo's delivery port, the Invoke API, the user pool
		t.Fatalf("the process listens on %v: fewer ports than the stack opens", ports)
	}
	for _, addr := range ports {
		for _, method := range []string{"GET", "POST"} {
			req, err := http.NewRequest(method, "http://"+addr+"/", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "rebind.evil.example"
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("Authorization", sigV4)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, addr, err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf("%s http://%s/ with a foreign Host: %d, want 421", method, addr, resp.StatusCode)
			}
		}
	}
	_ = c
}

// listeningPorts returns the loopback TCP addresses this process listens
// on: the sockets among its file descriptors that /proc/net/tcp{,6} lists
// in state LISTEN.
func listeningPorts(t *testing.T) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); err == nil && ok {
			inodes[strings.TrimSuffix(inode, "]")] = true
		}
	}
	var out []string
	for _, table := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			const local, state, inode = 1, 3, 9
			if len(fields) <= inode || fields[state] != "0A" || !inodes[fields[inode]] {
				continue
			}
			addr, err := procAddr(fields[local])
			if err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			out = append(out, addr)
		}
		f.Close()
	}
	return out
}

// procAddr decodes /proc/net/tcp's local address (hex IP in host byte
// order, 32 bits at a time, and a hex port).
func procAddr(s string) (string, error) {
	ipHex, portHex, ok := strings.Cut(s, ":")
	if !ok {
		return "", fmt.Errorf("address %q", s)
	}
	raw, err := hex.DecodeString(ipHex)
	if err != nil {
		return "", err
	}
	for i := 0; i+4 <= len(raw); i += 4 {
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(net.IP(raw).String(), strconv.FormatUint(port, 10)), nil
}

// The user pool's port and kumo's took AdminGetUser, AdminDeleteUser, Scan
// and DeleteItem from anyone; they now take only SigV4-shaped calls, with
// any credentials, as the SDK and the AWS CLI send them.
func TestAWSPortsTakeOnlySignedCalls(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	ctx := t.Context()
	ep := c.stack.Endpoints()
	cfg := emulator.Config()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDANYTHING", "any-secret", "")

	pool := cip.NewFromConfig(cfg, func(o *cip.Options) { o.BaseEndpoint = aws.String(ep["cognito-idp"]) })
	if _, err := pool.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(local.PoolID), Username: aws.String("sdkuser"),
		UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String("sdk@example.com")}}}); err != nil {
		t.Errorf("AdminCreateUser through the SDK: %v", err)
	}
	fn := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = aws.String(ep["lambda"]) })
	if out, err := fn.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("listPosts"), Payload: []byte(`{}`)}); err != nil || out.FunctionError != nil {
		t.Errorf("Invoke through the SDK: %v", err)
	}
	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(ep["kumo"]) })
	if _, err := q.ListQueues(ctx, &sqs.ListQueuesInput{}); err != nil {
		t.Errorf("ListQueues through the SDK: %v", err)
	}

	unsigned := []struct {
		name, url, target, body string
	}{
		{"AdminGetUser", ep["cognito-idp"], "AWSCognitoIdentityProviderService.AdminGetUser", `{"UserPoolId":"` + local.PoolID + `","Username":"sdkuser"}`},
		{"AdminDeleteUser", ep["cognito-idp"], "AWSCognitoIdentityProviderService.AdminDeleteUser", `{"UserPoolId":"` + local.PoolID + `","Username":"sdkuser"}`},
		{"Scan", ep["kumo"], "DynamoDB_20120810.Scan", `{"TableName":"eventboard-x-revocations"}`},
		{"ListQueues", ep["kumo"], "AmazonSQS.ListQueues", `{}`},
		{"Invoke", ep["lambda"] + "/2015-03-31/functions/listPosts/invocations", "", `{}`},
		{"Invoke on the main port", c.base + "/2015-03-31/functions/listPosts/invocations", "", `{}`},
		{"AdminGetUser on the main port", c.base + "/local/cognito-idp/", "AWSCognitoIdentityProviderService.AdminGetUser", `{"UserPoolId":"` + local.PoolID + `","Username":"sdkuser"}`},
	}
	for _, tc := range unsigned {
		for auth, want := range map[string]int{"": http.StatusForbidden, "Bearer x": http.StatusBadRequest, "AWS4-HMAC-SHA256 Credential=a/b/c, Signature=00": http.StatusBadRequest} {
			req, err := http.NewRequest("POST", tc.url, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			if tc.target != "" {
				req.Header.Set("X-Amz-Target", tc.target)
			}
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("%s with Authorization %q: %d %s, want %d", tc.name, auth, resp.StatusCode, b, want)
			}
		}
	}
	if _, err := pool.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(local.PoolID), Username: aws.String("sdkuser")}); err != nil {
		t.Errorf("the user is gone after unsigned calls: %v", err)
	}
}

// The AWS CLI (v1 on this machine), with any credentials, still works
// against every AWS port: scripts/dlq-scenario.sh relies on it.
func TestAWSCLIWorksAgainstEveryPort(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not installed")
	}
	t.Parallel()
	c := startStack(t)
	ep := c.stack.Endpoints()
	out := filepath.Join(t.TempDir(), "out.json")
	for _, args := range [][]string{
		{"--endpoint-url", ep["kumo"], "sqs", "list-queues"},
		{"--endpoint-url", ep["kumo"], "dynamodb", "list-tables"},
		{"--endpoint-url", ep["cognito-idp"], "cognito-idp", "admin-create-user", "--user-pool-id", local.PoolID, "--username", "cliuser", "--user-attributes", "Name=email,Value=cli@example.com"},
		{"--endpoint-url", ep["cognito-idp"], "cognito-idp", "admin-get-user", "--user-pool-id", local.PoolID, "--username", "cliuser"},
		{"--endpoint-url", ep["lambda"], "lambda", "invoke", "--function-name", "listPosts", "--payload", "{}", out},
		{"--endpoint-url", c.base, "lambda", "invoke", "--function-name", "listPosts", "--payload", "{}", out},
	} {
		cmd := exec.CommandContext(t.Context(), "aws", append([]string{"--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDANYTHING", "AWS_SECRET_ACCESS_KEY=any-secret",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("aws %s: %v\n%s", strings.Join(args[2:], " "), err, b)
		}
	}
}

// 128 GET /api/posts with 9 MB bodies, 64 at a time, were buffered whole
// and handed to functions: the process reached 3.85 GB. A body that cannot
// fit Lambda's 6 MB payload is now refused with 413 before it is read
// (declared length) or as soon as it passes the limit (streamed).
func TestLargeBodiesAreRefusedBeforeBuffering(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 64 concurrent 9 MB bodies")
	}
	c := startStack(t)
	body := bytes.Repeat([]byte("a"), 9<<20) // shared: the client holds 9 MB, once
	before, peak := watchRSS(t)
	type result struct {
		status int
		err    error
	}
	send := func(path string, streamed bool) result {
		var r io.Reader = bytes.NewReader(body)
		if streamed {
			r = io.MultiReader(r) // hides the length: sent chunked
		}
		req, err := http.NewRequest("POST", c.base+path, r)
		if err != nil {
			return result{err: err}
		}
		if path == "/api/posts" {
			req.Method = "GET"
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", sigV4)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return result{err: err}
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return result{status: resp.StatusCode}
	}
	results := make(chan string, 192)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			r := send("/api/posts", i%2 == 1)
			results <- fmt.Sprintf("GET /api/posts (streamed %v): %d %v", i%2 == 1, r.status, r.err)
		})
		wg.Go(func() {
			r := send("/2015-03-31/functions/listPosts/invocations", i%2 == 1)
			results <- fmt.Sprintf("Invoke (streamed %v): %d %v", i%2 == 1, r.status, r.err)
		})
	}
	wg.Wait()
	max := peak()
	close(results)
	counts := map[string]int{}
	for r := range results {
		counts[r]++
	}
	for r, n := range counts {
		if !strings.Contains(r, ": 413 <nil>") {
			t.Errorf("%d × %s, want 413", n, r)
		}
	}
	// Reported, not asserted: about 200 MB here without the race detector,
	// but 0.9 to 1.1 GB with it, so no bound holds with margin in every
	// run on a busy 2-core machine. The 413s above are what fails when a
	// body is buffered.
	t.Logf("RSS %d MB before, %d MB at peak, for 128 concurrent 9 MB bodies (race detector: %v)", before>>20, max>>20, raceEnabled)
}
