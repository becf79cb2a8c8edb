package jwtauth

import (
	"fmt"
	"net/http"
	"strings"
)

// AuthError is why [Authorizer.Authorize] refused a request.
//
// Status is the HTTP status API Gateway answers with: 401 for a missing,
// malformed, forged, expired, premature, foreign (issuer or client) or
// non-access token; 403 for a valid token that holds none of the route's
// scopes. Reason is a fixed phrase, safe to log and to send: it never
// contains the token or a claim value.
type AuthError struct {
	Status int
	Reason string
	// RequiredScopes are the route's scopes, set when Status is 403.
	RequiredScopes []string
}

// Error implements error.
func (e *AuthError) Error() string {
	return fmt.Sprintf("jwtauth: %d %s: %s", e.Status, http.StatusText(e.Status), e.Reason)
}

// Body returns the response body API Gateway sends for the refusal:
// {"message":"Unauthorized"} or {"message":"Forbidden"}.
func (e *AuthError) Body() string {
	return fmt.Sprintf(`{"message":%q}`, http.StatusText(e.Status))
}

// WWWAuthenticate returns the value of the www-authenticate header API Gateway
// sends with the refusal, in the form its troubleshooting guide shows:
// Bearer scope="" error="invalid_token" error_description="…" for a 401, and
// error="insufficient_scope" with the route's scopes for a 403.
func (e *AuthError) WWWAuthenticate() string {
	code := "invalid_token"
	if e.Status == http.StatusForbidden {
		code = "insufficient_scope"
	}
	return fmt.Sprintf(`Bearer scope=%q error=%q error_description=%q`,
		strings.Join(e.RequiredScopes, " "), code, e.Reason)
}

// Reasons, in the register of API Gateway's error_description.
const (
	reasonNoToken         = "no bearer token in the request"
	reasonMalformed       = "the token is not a well-formed JWT"
	reasonAlgorithm       = "the token is not signed with RS256"
	reasonUnknownKey      = "the token's kid is not a key of the issuer"
	reasonSignature       = "the token's signature is invalid"
	reasonInvalidClaims   = "the token has a claim of the wrong type"
	reasonNoExpiry        = "the token has no exp claim"
	reasonExpired         = "the token has expired"
	reasonNotYetValid     = "the token is not valid yet"
	reasonIssuedInFuture  = "the token was issued in the future"
	reasonIssuer          = "the token does not have a valid issuer"
	reasonAudience        = "the token does not have a valid audience"
	reasonNotAccessToken  = "the token is not an access token"
	reasonNoRequiredScope = "the token does not have any of the route's scopes"
)

func unauthorized(reason string) *AuthError {
	return &AuthError{Status: http.StatusUnauthorized, Reason: reason}
}
