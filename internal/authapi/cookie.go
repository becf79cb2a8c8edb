package authapi

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// CookieName is the refresh cookie. It is scoped to /api/auth, so only the
// refresh and logout routes ever receive it.
const CookieName = "eventboard_refresh"

// cookiePath limits where the browser sends the refresh cookie.
const cookiePath = "/api/auth"

// session is what the refresh cookie carries: the refresh token, the
// username its SECRET_HASH needs, and the sign-in's origin_jti so a logout
// without an access token can still revoke the session's access tokens.
type session struct {
	Username     string `json:"u"`
	RefreshToken string `json:"t"`
	OriginJTI    string `json:"o,omitempty"`
}

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
			if derr != nil || len(raw) > 8<<10 {
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

// originJTI returns the origin_jti (or, from providers that lack it, the
// jti) of an access token the provider has just issued. The token comes
// straight from the provider, so its signature needs no check here.
func originJTI(accessToken string) string {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(accessToken, claims); err != nil {
		return ""
	}
	if v, ok := claims["origin_jti"].(string); ok && v != "" {
		return v
	}
	v, _ := claims["jti"].(string)
	return v
}
