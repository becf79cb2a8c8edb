package local_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

const password = "Corr3ct-Horse!"

func (c *client) signUpAndConfirm(t *testing.T, username string) {
	t.Helper()
	c.do("POST", "/api/auth/signup", "", jsonBody(map[string]string{"username": username, "email": username + "@example.com", "password": password})).want(t, 201, "")
	c.do("POST", "/api/auth/confirm", "", jsonBody(map[string]string{"username": username, "code": c.code(t, username)})).want(t, 204, "")
}

// code reads the user's latest confirmation code from the dev mailbox.
func (c *client) code(t *testing.T, username string) string {
	t.Helper()
	r := c.do("GET", "/local/mailbox?username="+username, "", nil)
	var box struct {
		Messages []struct{ Code string }
	}
	r.decode(t, &box)
	if len(box.Messages) == 0 {
		t.Fatalf("no mail for %s: %s", username, r.body)
	}
	return box.Messages[len(box.Messages)-1].Code
}

type tokens struct {
	AccessToken, IDToken, TokenType string
	ExpiresIn                       int
}

func setCookie(t *testing.T, r response) *http.Cookie {
	t.Helper()
	cookies := (&http.Response{Header: r.header}).Cookies()
	for _, ck := range cookies {
		if ck.Name == "eventboard_refresh" {
			return ck
		}
	}
	return nil
}

func TestIdentityLifecycle(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	c.signUpAndConfirm(t, "alice")

	r := c.do("POST", "/api/auth/login", "", jsonBody(map[string]string{"username": "alice", "password": password}))
	r.want(t, 200, "")
	var login tokens
	r.decode(t, &login)
	if login.AccessToken == "" || login.IDToken == "" || login.ExpiresIn <= 0 || strings.Contains(string(r.body), "efresh") {
		t.Fatalf("login body = %s", r.body)
	}
	ck := setCookie(t, r)
	raw := r.header.Get("Set-Cookie")
	if ck == nil || !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/api/auth" || ck.MaxAge != 30*24*3600 {
		t.Fatalf("refresh cookie = %q", raw)
	}
	cookie := "eventboard_refresh=" + ck.Value

	r = c.do("GET", "/api/myinfo", login.AccessToken, nil)
	r.want(t, 200, "")
	var me struct {
		Username, Sub, Email string
		EmailVerified        bool
	}
	r.decode(t, &me)
	if me.Username != "alice" || me.Sub == "" || me.Email != "alice@example.com" || !me.EmailVerified {
		t.Errorf("myinfo = %s", r.body)
	}
	c.do("GET", "/api/myinfo", login.IDToken, nil).want(t, 401, "UNAUTHORIZED")

	// The post-confirmation trigger recorded the user.
	db := emulator.DynamoDB(c.stack.AWSEndpoint())
	users, _ := c.stack.Manifest().Table("UsersTable")
	out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(users.Name),
		Key:       map[string]types.AttributeValue{"sub": &types.AttributeValueMemberS{Value: me.Sub}},
	})
	if err != nil || out.Item == nil {
		t.Errorf("confirmed user not recorded: %v", err)
	}

	c.do("POST", "/api/posts", login.AccessToken, jsonBody(map[string]string{"title": "hi", "content": "from alice"})).want(t, 201, "")

	r = c.do("POST", "/api/auth/refresh", "", nil, "Cookie", cookie)
	r.want(t, 200, "")
	var refreshed tokens
	r.decode(t, &refreshed)
	if refreshed.AccessToken == "" || refreshed.AccessToken == login.AccessToken {
		t.Fatalf("refresh gave no new access token: %s", r.body)
	}
	// The refresh token rotated: the cookie holds the new one, and the old
	// one still works within the client's grace period.
	rotated := setCookie(t, r)
	if rotated == nil || "eventboard_refresh="+rotated.Value == cookie || rotated.MaxAge <= 0 {
		t.Fatalf("refresh did not replace the cookie: %q", r.header.Get("Set-Cookie"))
	}
	c.do("POST", "/api/auth/refresh", "", nil, "Cookie", "eventboard_refresh="+rotated.Value).want(t, 200, "")
	c.do("POST", "/api/posts", refreshed.AccessToken, jsonBody(map[string]string{"title": "hi", "content": "again"})).want(t, 201, "")

	r = c.do("POST", "/api/auth/logout", login.AccessToken, nil, "Cookie", cookie)
	r.want(t, 204, "")
	if ck := setCookie(t, r); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("logout did not clear the cookie: %q", r.header.Get("Set-Cookie"))
	}

	for _, tok := range []string{login.AccessToken, refreshed.AccessToken} {
		c.do("POST", "/api/posts", tok, jsonBody(map[string]string{"title": "x", "content": "y"})).want(t, 401, "TOKEN_REVOKED")
		c.do("DELETE", "/api/posts/"+uuid.Must(uuid.NewV7()).String(), tok, nil).want(t, 401, "TOKEN_REVOKED")
	}
	r = c.do("POST", "/api/auth/refresh", "", nil, "Cookie", cookie)
	r.want(t, 401, "INVALID_REFRESH_TOKEN")
	if ck := setCookie(t, r); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("a refused refresh did not clear the cookie: %q", r.header.Get("Set-Cookie"))
	}
	// Logging out again, with what is left, is fine.
	c.do("POST", "/api/auth/logout", login.AccessToken, nil, "Cookie", cookie).want(t, 204, "")
	c.do("POST", "/api/auth/logout", "", nil).want(t, 204, "")

	// A new login works again, at once.
	r = c.do("POST", "/api/auth/login", "", jsonBody(map[string]string{"username": "alice", "password": password}))
	r.want(t, 200, "")
	var again tokens
	r.decode(t, &again)
	c.do("POST", "/api/posts", again.AccessToken, jsonBody(map[string]string{"title": "back", "content": "again"})).want(t, 201, "")
}

func TestLogoutWithExpiredTokenIsNot5xx(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	expired, err := c.stack.Identity().Signer().IssueAccessToken(jwtauth.AccessTokenParams{
		Subject: jwtauth.SubjectFor("alice"), Username: "alice", Issuer: c.stack.Identity().Issuer(), ClientID: local.ClientID,
		Lifetime: time.Minute, Now: func() time.Time { return time.Now().Add(-time.Hour) },
	})
	if err != nil {
		t.Fatal(err)
	}
	r := c.do("POST", "/api/auth/logout", expired.Token, nil, "Cookie", "eventboard_refresh=!!garbled!!")
	r.want(t, 204, "")
	if ck := setCookie(t, r); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("cookie not cleared: %q", r.header.Get("Set-Cookie"))
	}
}

func TestNoUserEnumeration(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	c.signUpAndConfirm(t, "alice")
	c.do("POST", "/api/auth/signup", "", jsonBody(map[string]string{"username": "bob", "email": "bob@example.com", "password": password})).want(t, 201, "")

	same := func(what string, a, b response) {
		t.Helper()
		var ea, eb struct{ Code, Message string }
		_ = json.Unmarshal(a.body, &ea)
		_ = json.Unmarshal(b.body, &eb)
		if a.status != b.status || ea != eb {
			t.Errorf("%s: %d %s vs %d %s", what, a.status, a.body, b.status, b.body)
		}
	}
	login := func(u, p string) response {
		return c.do("POST", "/api/auth/login", "", jsonBody(map[string]string{"username": u, "password": p}))
	}
	login("alice", "Wrong-passw0rd!").want(t, 401, "INVALID_CREDENTIALS")
	same("login: wrong password vs unknown user", login("alice", "Wrong-passw0rd!"), login("nobody", "Wrong-passw0rd!"))

	confirm := func(u string) response {
		return c.do("POST", "/api/auth/confirm", "", jsonBody(map[string]string{"username": u, "code": "000000"}))
	}
	confirm("nobody").want(t, 400, "INVALID_CODE")
	same("confirm: unknown vs unconfirmed", confirm("nobody"), confirm("bob"))
	same("confirm: unknown vs confirmed", confirm("nobody"), confirm("alice"))

	resend := func(u string) response {
		return c.do("POST", "/api/auth/resend", "", jsonBody(map[string]string{"username": u}))
	}
	resend("nobody").want(t, 202, "")
	a, b, d := resend("nobody"), resend("bob"), resend("alice")
	if a.status != b.status || a.status != d.status || string(a.body) != string(b.body) || string(a.body) != string(d.body) {
		t.Errorf("resend differs: %d %s / %d %s / %d %s", a.status, a.body, b.status, b.body, d.status, d.body)
	}
}

func TestAuthRoutesRejectBadInput(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	c.signUpAndConfirm(t, "alice")
	long := strings.Repeat("u", 129)
	for _, tc := range []struct {
		name, path string
		body       string
		cookie     string
		status     int
		code       string
	}{
		{"signup malformed", "/api/auth/signup", `{"username":`, "", 400, "INVALID_JSON"},
		{"signup wrong type", "/api/auth/signup", `{"username":1,"email":"a@b.co","password":"x"}`, "", 400, "INVALID_FIELD_TYPE"},
		{"signup missing email", "/api/auth/signup", `{"username":"carol","password":"` + password + `"}`, "", 400, "MISSING_FIELD"},
		{"signup long username", "/api/auth/signup", `{"username":"` + long + `","email":"c@example.com","password":"` + password + `"}`, "", 400, "INVALID_USERNAME"},
		{"signup username with space", "/api/auth/signup", `{"username":"car ol","email":"c@example.com","password":"` + password + `"}`, "", 400, "INVALID_USERNAME"},
		{"signup bad email", "/api/auth/signup", `{"username":"carol","email":"not-an-email","password":"` + password + `"}`, "", 400, "INVALID_EMAIL"},
		{"signup weak password", "/api/auth/signup", `{"username":"carol","email":"c@example.com","password":"password"}`, "", 400, "WEAK_PASSWORD"},
		{"signup short password", "/api/auth/signup", `{"username":"carol","email":"c@example.com","password":"Ab1!"}`, "", 400, "WEAK_PASSWORD"},
		{"signup taken", "/api/auth/signup", `{"username":"ALICE","email":"a2@example.com","password":"` + password + `"}`, "", 409, "USERNAME_EXISTS"},
		{"confirm wrong code", "/api/auth/confirm", `{"username":"carol","code":"123456"}`, "", 400, "INVALID_CODE"},
		{"confirm code a number", "/api/auth/confirm", `{"username":"carol","code":123456}`, "", 400, "INVALID_FIELD_TYPE"},
		{"confirm long code", "/api/auth/confirm", `{"username":"carol","code":"` + strings.Repeat("1", 40) + `"}`, "", 400, "INVALID_CODE"},
		{"resend missing username", "/api/auth/resend", `{}`, "", 400, "MISSING_FIELD"},
		{"login missing password", "/api/auth/login", `{"username":"alice"}`, "", 400, "MISSING_FIELD"},
		{"login extra field", "/api/auth/login", `{"username":"alice","password":"x","remember":true}`, "", 400, "UNKNOWN_FIELD"},
		{"login long password", "/api/auth/login", `{"username":"alice","password":"` + strings.Repeat("p", 300) + `"}`, "", 401, "INVALID_CREDENTIALS"},
		{"refresh no cookie", "/api/auth/refresh", ``, "", 401, "INVALID_REFRESH_TOKEN"},
		{"refresh garbled cookie", "/api/auth/refresh", ``, "eventboard_refresh=%%%", 401, "INVALID_REFRESH_TOKEN"},
		{"refresh forged cookie", "/api/auth/refresh", ``, "eventboard_refresh=" + base64.RawURLEncoding.EncodeToString([]byte(`{"u":"alice","t":"forged"}`)), 401, "INVALID_REFRESH_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var headers []string
			if tc.cookie != "" {
				headers = []string{"Cookie", tc.cookie}
			}
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			c.do("POST", tc.path, "", body, headers...).want(t, tc.status, tc.code)
		})
	}
	// None of it created carol.
	r := c.do("GET", "/local/mailbox?username=carol", "", nil)
	if !strings.Contains(string(r.body), `"messages":[]`) {
		t.Errorf("a refused sign-up sent mail: %s", r.body)
	}
}

// TestAuthorizerRefusals sends tokens API Gateway's JWT authorizer must
// refuse to a write route; each is a 401 in the app's error shape and
// writes nothing.
func TestAuthorizerRefusals(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	id := c.stack.Identity()
	issue := func(p jwtauth.AccessTokenParams) string {
		t.Helper()
		if p.Subject == "" {
			p.Subject = jwtauth.SubjectFor("alice")
		}
		if p.Username == "" {
			p.Username = "alice"
		}
		if p.Issuer == "" {
			p.Issuer = id.Issuer()
		}
		if p.ClientID == "" {
			p.ClientID = local.ClientID
		}
		tok, err := id.Signer().IssueAccessToken(p)
		if err != nil {
			t.Fatal(err)
		}
		return tok.Token
	}
	valid := issue(jwtauth.AccessTokenParams{})
	parts := strings.Split(valid, ".")

	otherKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	stranger, _ := jwtauth.NewSigner(otherKey, "")
	unknownKid, _ := stranger.IssueAccessToken(jwtauth.AccessTokenParams{Subject: "s", Username: "alice", Issuer: id.Issuer(), ClientID: local.ClientID})

	idToken, _ := id.Signer().IssueIDToken(jwtauth.IDTokenParams{Subject: jwtauth.SubjectFor("alice"), Username: "alice", Email: "a@example.com", Issuer: id.Issuer(), ClientID: local.ClientID})

	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	none := b64(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + "."
	pubDER, _ := x509.MarshalPKIXPublicKey(id.Signer().PublicKey())
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hsInput := b64(`{"alg":"HS256","kid":"`+id.Signer().KeyID()+`","typ":"JWT"}`) + "." + parts[1]
	mac := hmac.New(sha256.New, pubPEM)
	mac.Write([]byte(hsInput))
	hs256 := hsInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	tampered := parts[0] + "." + b64(strings.Replace(string(payload), `"username":"alice"`, `"username":"admin"`, 1)) + "." + parts[2]

	// A logout revokes only what the caller proves to hold: a live token.
	c.signUpAndConfirm(t, "carol")
	var carol tokens
	c.do("POST", "/api/auth/login", "", jsonBody(map[string]string{"username": "carol", "password": password})).decode(t, &carol)
	revoked := carol.AccessToken
	c.do("POST", "/api/auth/logout", revoked, nil).want(t, 204, "")

	for _, tc := range []struct {
		name, token, code string
	}{
		{"no token", "", "UNAUTHORIZED"},
		{"alg none", none, "UNAUTHORIZED"},
		{"HS256 signed with the public key", hs256, "UNAUTHORIZED"},
		{"unknown kid", unknownKid.Token, "UNAUTHORIZED"},
		{"expired", issue(jwtauth.AccessTokenParams{Lifetime: time.Minute, Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}), "UNAUTHORIZED"},
		{"not yet valid", issue(jwtauth.AccessTokenParams{Now: func() time.Time { return time.Now().Add(time.Hour) }}), "UNAUTHORIZED"},
		{"wrong issuer", issue(jwtauth.AccessTokenParams{Issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"}), "UNAUTHORIZED"},
		{"wrong client", issue(jwtauth.AccessTokenParams{ClientID: "someoneelsesclient"}), "UNAUTHORIZED"},
		{"ID token", idToken.Token, "UNAUTHORIZED"},
		{"tampered payload", tampered, "UNAUTHORIZED"},
		{"revoked token on a write", revoked, "TOKEN_REVOKED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.do("POST", "/api/posts", tc.token, jsonBody(map[string]string{"title": "x", "content": "y"})).want(t, 401, tc.code)
		})
	}
	c.do("POST", "/api/posts", valid, jsonBody(map[string]string{"title": "x", "content": "y"})).want(t, 201, "")
	var page struct{ Posts []any }
	c.do("GET", "/api/posts", "", nil).decode(t, &page)
	if len(page.Posts) != 1 {
		t.Errorf("refused tokens wrote: %d posts", len(page.Posts))
	}
}

// TestForgotAndResetPassword runs the reset through the gateway, the
// functions and the local user pool: the code reaches the mailbox, the old
// password stops working, and an unknown user is answered like a known one.
func TestForgotAndResetPassword(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	c.signUpAndConfirm(t, "forgetful")
	const newPassword = "N3w-battery-staple!"

	for _, username := range []string{"forgetful", "nobody"} {
		r := c.do("POST", "/api/auth/forgot", "", jsonBody(map[string]string{"username": username}))
		r.want(t, 202, "")
	}
	code := c.code(t, "forgetful")
	reset := func(username, code string) response {
		return c.do("POST", "/api/auth/reset", "", jsonBody(map[string]string{"username": username, "code": code, "newPassword": newPassword}))
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	reset("forgetful", wrong).want(t, 400, "INVALID_CODE")
	reset("nobody", code).want(t, 400, "INVALID_CODE")
	reset("forgetful", code).want(t, 204, "")

	login := func(pw string) response {
		return c.do("POST", "/api/auth/login", "", jsonBody(map[string]string{"username": "forgetful", "password": pw}))
	}
	login(password).want(t, 401, "INVALID_CREDENTIALS")
	login(newPassword).want(t, 200, "")
}
