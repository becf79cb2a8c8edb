package authapi

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
)

// CookieName is the refresh cookie. It is scoped to /api/auth, so only the
// refresh and logout routes ever receive it.
const CookieName = "eventboard_refresh"

// cookiePath limits where the browser sends the refresh cookie.
const cookiePath = "/api/auth"

// session is what the refresh cookie carries: the refresh token and the
// username its SECRET_HASH needs. Nothing else: the cookie is not signed, so
// the API trusts nothing in it that Cognito does not check (cookies of
// earlier versions also held an "o", which is ignored).
type session struct {
	Username     string `json:"u"`
	RefreshToken string `json:"t"`
}

// maxCookieLen bounds the decoded cookie: browsers keep 4 KiB a cookie.
const maxCookieLen = 4 << 10

// refreshCookie returns the Set-Cookie value that stores s for maxAge.
func refreshCookie(s session, maxAge time.Duration) string {
	b, _ := json.Marshal(s)
	c := &http.Cookie{
		Name:     CookieName,
		Value:    base64.RawURLEncoding.EncodeToString(b),
		Path:     cookiePath,
		MaxAge:   int(maxAge.Seconds()),
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteStrictMode,
	}
	return c.String()
}

// clearCookie returns the Set-Cookie value that removes the refresh cookie.
func clearCookie() string {
	c := &http.Cookie{
		Name:     CookieName,
		Value:    "",
		Path:     cookiePath,
		MaxAge:   -1, // Max-Age=0
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteStrictMode,
	}
	return c.String()
}

// readSession finds the refresh cookie among the request's cookies (API
// Gateway v2 puts each "name=value" in cookies) and decodes it. ok is false
// when there is none; err is set when there is one that is garbled.
func readSession(cookies []string) (s session, ok bool, err error) {
	for _, line := range cookies {
		parsed, perr := http.ParseCookie(line)
		if perr != nil {
			continue
		}
		for _, c := range parsed {
			if c.Name != CookieName {
				continue
			}
			raw, derr := base64.RawURLEncoding.DecodeString(c.Value)
			if derr != nil || len(raw) > maxCookieLen {
				return session{}, true, errGarbled
			}
			if jerr := json.Unmarshal(raw, &s); jerr != nil || s.Username == "" || s.RefreshToken == "" {
				return session{}, true, errGarbled
			}
			return s, true, nil
		}
	}
	return session{}, false, nil
}

type garbledError struct{}

func (garbledError) Error() string { return "authapi: garbled refresh cookie" }

var errGarbled error = garbledError{}
