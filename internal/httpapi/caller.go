package httpapi

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/auth"
)

// Caller is the user a request was authorized for.
type Caller struct {
	Sub         string // Cognito's stable user id
	Username    string
	Session     auth.Session
	AccessToken string // the bearer token itself, for calls made on the user's behalf
}

// ErrUnauthorized is the answer to a request without a valid access token.
var ErrUnauthorized = apperr.New(apperr.Unauthorized, "UNAUTHORIZED", "A valid access token is required.")

// CallerFrom returns the caller from the claims API Gateway's JWT authorizer
// put in the request. The authorizer has verified the token; this checks
// again that it was an access token with a subject, so a misconfigured route
// fails closed (ErrUnauthorized) instead of acting for nobody.
func CallerFrom(req Request) (Caller, error) {
	if req.RequestContext.Authorizer == nil || req.RequestContext.Authorizer.JWT == nil {
		return Caller{}, ErrUnauthorized
	}
	claims := req.RequestContext.Authorizer.JWT.Claims
	c := Caller{Sub: claims["sub"], Username: claims["username"]}
	if claims["token_use"] != "access" || c.Sub == "" || c.Username == "" {
		return Caller{}, ErrUnauthorized
	}
	iat, err := strconv.ParseInt(claims["iat"], 10, 64)
	if err != nil {
		return Caller{}, ErrUnauthorized
	}
	c.Session = auth.Session{Sub: c.Sub, OriginJTI: claims["origin_jti"], IssuedAt: time.Unix(iat, 0)}
	if c.Session.OriginJTI == "" { // tokens from some emulators lack it
		c.Session.OriginJTI = claims["jti"]
	}
	c.AccessToken = BearerToken(req)
	return c, nil
}

// SessionChecker tells whether a session was signed out.
type SessionChecker interface {
	IsRevoked(ctx context.Context, s auth.Session) (bool, error)
}

// Authenticate returns the caller of req and refuses (auth.ErrRevoked) a
// session that was signed out after its token was issued: API Gateway's
// authorizer cannot know, and the token would otherwise work until it
// expires.
func Authenticate(ctx context.Context, req Request, sessions SessionChecker) (Caller, error) {
	c, err := CallerFrom(req)
	if err != nil {
		return Caller{}, err
	}
	revoked, err := sessions.IsRevoked(ctx, c.Session)
	if err != nil {
		return Caller{}, fmt.Errorf("httpapi.Authenticate: %w", err)
	}
	if revoked {
		return Caller{}, auth.ErrRevoked
	}
	return c, nil
}

// BearerToken returns the token of the Authorization header, or "".
func BearerToken(req Request) string {
	h := req.Headers["authorization"]
	if h == "" {
		h = req.Headers["Authorization"]
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
