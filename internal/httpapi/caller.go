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
// fails closed (ErrUnauthorized) instead of acting for nobody, and that the
// Authorization header has the one form ParseBearer accepts.
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
	// API Gateway's authorizer takes a bare token, and checks the first of
	// repeated headers: the handler accepts only the form it reads itself.
	token, ok := ParseBearer(Header(req, "authorization"))
	if !ok {
		return Caller{}, ErrUnauthorized
	}
	c.Session = auth.Session{Sub: c.Sub, OriginJTI: claims["origin_jti"], IssuedAt: time.Unix(iat, 0)}
	if c.Session.OriginJTI == "" { // tokens from some emulators lack it
		c.Session.OriginJTI = claims["jti"]
	}
	c.AccessToken = token
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

// BearerToken returns the token of the request's Authorization header when
// it has the one form ParseBearer accepts, or "".
func BearerToken(req Request) string {
	token, _ := ParseBearer(Header(req, "authorization"))
	return token
}

// maxBearerLen bounds a token: API Gateway refuses headers over 10 KB.
const maxBearerLen = 8 << 10

// ParseBearer reads an Authorization header value. It accepts exactly one
// form: the scheme "Bearer" (in any case), one space, and a token made only
// of the characters of a JWT (base64url and dots), at most 8 KiB. A bare
// token, a tab, extra spaces, or two headers joined by a comma (as API
// Gateway joins repeated headers) are refused, so the local gateway's
// authorizer and every Lambda read the header the same way: both use this.
func ParseBearer(header string) (token string, ok bool) {
	const scheme = "bearer "
	if len(header) <= len(scheme) || len(header) > len(scheme)+maxBearerLen || !strings.EqualFold(header[:len(scheme)], scheme) {
		return "", false
	}
	token = header[len(scheme):]
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "", false
		}
	}
	return token, true
}
