package cognitolocal

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

const (
	testRegion   = "us-east-1"
	testPoolID   = "us-east-1_eventboardLocal"
	testClientID = "eventboardlocalclient"
	testIssuer   = "http://127.0.0.1:8080/local/cognito/us-east-1_eventboardLocal"
	testPassword = "Correct-Horse-9"
)

// testStart is when every test's clock starts.
var testStart = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	// Full-strength scrypt costs tens of milliseconds a hash, more under
	// -race; the tests hash hundreds of passwords.
	scryptLogN = 10
	os.Exit(m.Run())
}

// RSA key generation is slow, so the tests share one signer.
var testSigner = sync.OnceValue(func() *jwtauth.Signer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	s, err := jwtauth.NewSigner(key, "")
	if err != nil {
		panic(err)
	}
	return s
})

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a Server behind an httptest server and an SDK client for it.
type fixture struct {
	srv    *Server
	cfg    Config
	client *cip.Client
	clock  *clock
	url    string

	mu   sync.Mutex
	sent []Message // through Config.Mail
}

// newFixture starts a server with the test pool's config, changed by opts.
func newFixture(tb testing.TB, opts ...func(*Config)) *fixture {
	tb.Helper()
	f := &fixture{clock: &clock{t: testStart}}
	f.cfg = Config{
		PoolID:   testPoolID,
		ClientID: testClientID,
		Issuer:   testIssuer,
		Signer:   testSigner(),
		Now:      f.clock.Now,
		Mail: func(m Message) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.sent = append(f.sent, m)
		},
	}
	for _, o := range opts {
		o(&f.cfg)
	}
	srv, err := New(f.cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	f.srv = srv
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	f.url = ts.URL
	f.client = newClient(ts.URL + "/local/cognito")
	return f
}

func newClient(endpoint string) *cip.Client {
	return cip.New(cip.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDLOCAL", "local-secret", ""),
		Retryer:      aws.NopRetryer{},
	})
}

func withSecret(secret string) func(*Config) {
	return func(c *Config) { c.ClientSecret = secret }
}

var ctx = context.Background()

func (f *fixture) signUp(tb testing.TB, username, email string) *cip.SignUpOutput {
	tb.Helper()
	in := &cip.SignUpInput{
		ClientId:       aws.String(testClientID),
		Username:       aws.String(username),
		Password:       aws.String(testPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}},
	}
	if f.cfg.ClientSecret != "" {
		in.SecretHash = aws.String(secretHash(f.cfg.ClientSecret, username, testClientID))
	}
	out, err := f.client.SignUp(ctx, in)
	if err != nil {
		tb.Fatalf("SignUp %s: %v", username, err)
	}
	return out
}

// lastCode returns the newest code in username's mailbox.
func (f *fixture) lastCode(tb testing.TB, username string) string {
	tb.Helper()
	box := f.srv.Mailbox(username)
	if len(box) == 0 {
		tb.Fatalf("no mail for %s", username)
	}
	return box[len(box)-1].Code
}

func (f *fixture) confirm(tb testing.TB, username string) {
	tb.Helper()
	in := &cip.ConfirmSignUpInput{
		ClientId:         aws.String(testClientID),
		Username:         aws.String(username),
		ConfirmationCode: aws.String(f.lastCode(tb, username)),
	}
	if f.cfg.ClientSecret != "" {
		in.SecretHash = aws.String(secretHash(f.cfg.ClientSecret, username, testClientID))
	}
	if _, err := f.client.ConfirmSignUp(ctx, in); err != nil {
		tb.Fatalf("ConfirmSignUp %s: %v", username, err)
	}
}

// confirmedUser signs up and confirms username with testPassword.
func (f *fixture) confirmedUser(tb testing.TB, username string) {
	tb.Helper()
	f.signUp(tb, username, strings.ToLower(username)+"@example.com")
	f.confirm(tb, username)
}

func (f *fixture) loginErr(username, password string) (*types.AuthenticationResultType, error) {
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	if f.cfg.ClientSecret != "" {
		params["SECRET_HASH"] = secretHash(f.cfg.ClientSecret, username, testClientID)
	}
	out, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(testClientID),
		AuthParameters: params,
	})
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

func (f *fixture) login(tb testing.TB, username string) *types.AuthenticationResultType {
	tb.Helper()
	res, err := f.loginErr(username, testPassword)
	if err != nil {
		tb.Fatalf("InitiateAuth %s: %v", username, err)
	}
	if res == nil {
		tb.Fatalf("InitiateAuth %s: no AuthenticationResult", username)
	}
	return res
}

// refreshErr runs REFRESH_TOKEN_AUTH; username is only used for SECRET_HASH.
func (f *fixture) refreshErr(username, refreshToken string) (*types.AuthenticationResultType, error) {
	params := map[string]string{"REFRESH_TOKEN": refreshToken}
	if f.cfg.ClientSecret != "" {
		params["SECRET_HASH"] = secretHash(f.cfg.ClientSecret, username, testClientID)
	}
	out, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		ClientId:       aws.String(testClientID),
		AuthParameters: params,
	})
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

func (f *fixture) getUser(accessToken string) (*cip.GetUserOutput, error) {
	return f.client.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(accessToken)})
}

func (f *fixture) status(tb testing.TB, username string) (status string, attrs map[string]string) {
	tb.Helper()
	out, err := f.client.AdminGetUser(ctx, &cip.AdminGetUserInput{
		UserPoolId: aws.String(testPoolID),
		Username:   aws.String(username),
	})
	if err != nil {
		tb.Fatalf("AdminGetUser %s: %v", username, err)
	}
	return string(out.UserStatus), attributeMap(out.UserAttributes)
}

func (f *fixture) mailed() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.sent...)
}

func attributeMap(attrs []types.AttributeType) map[string]string {
	m := make(map[string]string, len(attrs))
	for _, a := range attrs {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

// failure is what an SDK call failed with: the exception name and message,
// or "" and the error text when it is not a service error.
type failure struct{ Code, Message string }

func failureOf(err error) failure {
	if err == nil {
		return failure{}
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return failure{apiErr.ErrorCode(), apiErr.ErrorMessage()}
	}
	return failure{"", err.Error()}
}

// claimsOf decodes a JWT's payload, numbers as float64.
func claimsOf(tb testing.TB, token string) map[string]any {
	tb.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		tb.Fatalf("token has %d segments", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		tb.Fatalf("decode payload: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatalf("unmarshal payload: %v", err)
	}
	return m
}

func testAuthorizer(tb testing.TB, now func() time.Time) *jwtauth.Authorizer {
	tb.Helper()
	a, err := jwtauth.NewAuthorizer(jwtauth.AuthorizerConfig{
		Issuer:   testIssuer,
		Audience: []string{testClientID},
		Keys:     testSigner(),
		Now:      now,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// orDefault returns v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
