package local_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

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

// resetCode asks for a password reset code for username and reads it from
// the dev mailbox.
func (c *client) resetCode(t *testing.T, username string) string {
	t.Helper()
	c.do("POST", "/api/auth/forgot", "", jsonBody(map[string]string{"username": username})).want(t, 202, "")
	return c.code(t, username)
}

func (c *client) reset(username, code, newPassword string) response {
	return c.do("POST", "/api/auth/reset", "", jsonBody(map[string]string{"username": username, "code": code, "newPassword": newPassword}))
}

// TestResetCodeGuessesAreLimited guards the reset code against guessing:
// wrong codes in a row reach 429 with Retry-After within 10 tries, for a
// known user and an unknown one alike.
func TestResetCodeGuessesAreLimited(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, local.Options{Unthrottled: true}) // the user pool's limit, not the gateway's
	c.signUpAndConfirm(t, "guessed")
	right := c.resetCode(t, "guessed")
	for _, username := range []string{"guessed", "nobody-here"} {
		limited := false
		for i := range 10 {
			wrong := fmt.Sprintf("%06d", (i*7919+13)%1_000_000)
			if wrong == right {
				continue
			}
			r := c.reset(username, wrong, "N3w-battery-staple!")
			if r.status == 429 {
				r.want(t, 429, "TOO_MANY_REQUESTS")
				if r.header.Get("Retry-After") == "" {
					t.Errorf("%s: 429 without Retry-After", username)
				}
				limited = true
				break
			}
			r.want(t, 400, "INVALID_CODE")
		}
		if !limited {
			t.Fatalf("%s: 10 wrong reset codes in a row, none answered 429", username)
		}
	}
}

// TestResetAnswersWeakPasswordWhateverTheCode guards against an oracle: a
// weak new password is refused alike with a right and a wrong code, so the
// answer tells nothing about the code, and the right code still works after.
func TestResetAnswersWeakPasswordWhateverTheCode(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, local.Options{Unthrottled: true})
	c.signUpAndConfirm(t, "weakling")
	right := c.resetCode(t, "weakling")
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	for _, code := range []string{right, wrong} {
		c.reset("weakling", code, "alllowercase1!").want(t, 400, "WEAK_PASSWORD")
	}
	c.reset("weakling", right, "N3w-battery-staple!").want(t, 204, "")
}

// TestResetSignsOutEverywhere guards against a reset leaving sessions open:
// after it, the old access token cannot write and the old refresh cookie
// cannot refresh, while a login with the new password at once works.
func TestResetSignsOutEverywhere(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, local.Options{Unthrottled: true})
	c.signUpAndConfirm(t, "stolen")
	access, cookie := c.login(t, "stolen", password)
	c.reset("stolen", c.resetCode(t, "stolen"), "N3w-battery-staple!").want(t, 204, "")

	c.do("POST", "/api/posts", access, jsonBody(map[string]string{"title": "x", "content": "y"})).want(t, 401, "TOKEN_REVOKED")
	c.do("POST", "/api/auth/refresh", "", nil, "Cookie", cookie).want(t, 401, "INVALID_REFRESH_TOKEN")
	fresh, _ := c.login(t, "stolen", "N3w-battery-staple!")
	c.do("POST", "/api/posts", fresh, jsonBody(map[string]string{"title": "mine", "content": "again"})).want(t, 201, "")
}

// refreshAll sends n refreshes at once with cookie and returns the answers.
func (c *client) refreshAll(t *testing.T, cookie string, n int) []response {
	t.Helper()
	out := make([]response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = c.do("POST", "/api/auth/refresh", "", nil, "Cookie", cookie) })
	}
	wg.Wait()
	return out
}

// TestConcurrentRefreshesLeaveAWorkingCookie guards rotation against a race:
// refreshes at once with one cookie (tabs, retries) must never set an older
// refresh token than the browser may already hold. Every cookie any answer
// sets is the same, newest one, so whatever order the browser applies them
// in, it ends with a cookie that still works after the grace period.
func TestConcurrentRefreshesLeaveAWorkingCookie(t *testing.T) {
	t.Parallel()
	const grace = time.Second
	c := startStackWith(t, local.Options{Unthrottled: true, RefreshGracePeriod: grace})
	c.signUpAndConfirm(t, "twotabs")
	_, cookie := c.login(t, "twotabs", password)
	for round := range 3 {
		set := map[string]bool{}
		for _, r := range c.refreshAll(t, cookie, 8) {
			r.want(t, 200, "")
			if ck := setCookie(t, r); ck != nil {
				if ck.MaxAge <= 0 {
					t.Fatalf("round %d: a refresh cleared the cookie", round)
				}
				set["eventboard_refresh="+ck.Value] = true
			}
		}
		if len(set) != 1 || set[cookie] {
			t.Fatalf("round %d: the answers set %d cookies (the old one among them: %v); want only the new one", round, len(set), set[cookie])
		}
		for ck := range set {
			cookie = ck
		}
		time.Sleep(grace + 200*time.Millisecond) // the old token is refused from now on
		r := c.do("POST", "/api/auth/refresh", "", nil, "Cookie", cookie)
		r.want(t, 200, "")
		if ck := setCookie(t, r); ck != nil {
			cookie = "eventboard_refresh=" + ck.Value
		}
	}
}

// TestReusedRefreshTokenRevokesTheSession guards against a stolen refresh
// token winning: a rotated-out token presented after the grace period is
// refused and ends its whole sign-in, so the successor tokens (whoever holds
// them) stop refreshing and writing too. Other sign-ins of the user live on.
func TestReusedRefreshTokenRevokesTheSession(t *testing.T) {
	t.Parallel()
	const grace = time.Second
	c := startStackWith(t, local.Options{Unthrottled: true, RefreshGracePeriod: grace})
	c.signUpAndConfirm(t, "victim")
	first, stolen := c.login(t, "victim", password)
	other, otherCookie := c.login(t, "victim", password)

	r := c.do("POST", "/api/auth/refresh", "", nil, "Cookie", stolen) // the thief rotates first
	r.want(t, 200, "")
	var thief tokens
	r.decode(t, &thief)
	successor := "eventboard_refresh=" + setCookie(t, r).Value
	time.Sleep(grace + 200*time.Millisecond)

	c.do("POST", "/api/auth/refresh", "", nil, "Cookie", stolen).want(t, 401, "INVALID_REFRESH_TOKEN") // the owner comes back
	c.do("POST", "/api/auth/refresh", "", nil, "Cookie", successor).want(t, 401, "INVALID_REFRESH_TOKEN")
	for _, tok := range []string{first, thief.AccessToken} {
		c.do("POST", "/api/posts", tok, jsonBody(map[string]string{"title": "x", "content": "y"})).want(t, 401, "TOKEN_REVOKED")
	}
	c.do("POST", "/api/posts", other, jsonBody(map[string]string{"title": "still", "content": "here"})).want(t, 201, "")
	c.do("POST", "/api/auth/refresh", "", nil, "Cookie", otherCookie).want(t, 200, "")
}

// TestLostRefreshAnswerStillGetsTheSuccessor guards against a lost answer
// ending the session: when the answer that carried the successor never
// reached the browser (a reload mid-refresh), presenting the rotated-out
// token inside the grace period hands back that successor, which works after
// the grace period; the old one is then refused.
func TestLostRefreshAnswerStillGetsTheSuccessor(t *testing.T) {
	t.Parallel()
	const grace = time.Second
	c := startStackWith(t, local.Options{Unthrottled: true, RefreshGracePeriod: grace})
	c.signUpAndConfirm(t, "reloader")
	_, old := c.login(t, "reloader", password)
	lost := c.do("POST", "/api/auth/refresh", "", nil, "Cookie", old)
	lost.want(t, 200, "")
	successor := "eventboard_refresh=" + setCookie(t, lost).Value

	r := c.do("POST", "/api/auth/refresh", "", nil, "Cookie", old) // the browser still holds the old one
	r.want(t, 200, "")
	ck := setCookie(t, r)
	if ck == nil || "eventboard_refresh="+ck.Value != successor {
		t.Fatalf("a retry inside the grace period set %q, want the successor", r.header.Get("Set-Cookie"))
	}
	time.Sleep(grace + 200*time.Millisecond)
	c.do("POST", "/api/auth/refresh", "", nil, "Cookie", successor).want(t, 200, "")
}
