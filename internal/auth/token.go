package auth

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenSession returns the session an access token belongs to, read from
// its claims (sub, origin_jti or, from providers that lack it, jti, and iat)
// without checking its signature: call it only on a token the provider has
// just issued or accepted. ok is false when the token has no subject.
func TokenSession(accessToken string) (s Session, ok bool) {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(accessToken, claims); err != nil {
		return Session{}, false
	}
	s.Sub, _ = claims["sub"].(string)
	s.OriginJTI, _ = claims["origin_jti"].(string)
	if s.OriginJTI == "" {
		s.OriginJTI, _ = claims["jti"].(string)
	}
	if iat, err := claims.GetIssuedAt(); err == nil && iat != nil {
		s.IssuedAt = iat.Time
	}
	if s.IssuedAt.IsZero() {
		s.IssuedAt = time.Unix(0, 0)
	}
	return s, s.Sub != ""
}
