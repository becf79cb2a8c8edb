package httpapi

import (
	"github.com/eventboard/eventboard/internal/apperr"
)

// Caller is the user a request was authorized for.
type Caller struct {
	Sub      string // Cognito's stable user id
	Username string
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
	return c, nil
}
