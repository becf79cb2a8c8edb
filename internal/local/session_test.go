package local_test

import (
	"fmt"
	"testing"

	"github.com/eventboard/eventboard/internal/local"
)

// login signs username in through the gateway and returns the access token
// and the refresh cookie ("name=value").
func (c *client) login(t *testing.T, username, pw string) (access, cookie string) {
	t.Helper()
	r := c.do("POST", "/api/auth/login", "", jsonBody(map[string]string{"username": username, "password": pw}))
	r.want(t, 200, "")
	var tok tokens
	r.decode(t, &tok)
	ck := setCookie(t, r)
	if ck == nil {
		t.Fatalf("login set no refresh cookie: %q", r.header.Get("Set-Cookie"))
	}
	return tok.AccessToken, "eventboard_refresh=" + ck.Value
}

// TestLoginRightAfterLogoutWrites guards against a sign-out catching the
// sign-in that follows it: tokens carry their issue time in whole seconds, so
// a login in the second of a logout must not look older than it. Each new
// session writes; each ended one is refused.
func TestLoginRightAfterLogoutWrites(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, local.Options{Unthrottled: true}) // the buckets are not what this guards
	c.signUpAndConfirm(t, "comeback")
	for i := range 50 {
		access, cookie := c.login(t, "comeback", password)
		r := c.do("POST", "/api/posts", access, jsonBody(map[string]string{"title": fmt.Sprint("back ", i), "content": "again"}))
		if r.status != 201 {
			t.Fatalf("login %d right after a logout: write = %d %s, want 201", i, r.status, r.body)
		}
		c.do("POST", "/api/auth/logout", access, nil, "Cookie", cookie).want(t, 204, "")
		c.do("POST", "/api/posts", access, jsonBody(map[string]string{"title": "x", "content": "y"})).want(t, 401, "TOKEN_REVOKED")
	}
}
