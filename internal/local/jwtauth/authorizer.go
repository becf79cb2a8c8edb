package jwtauth

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/eventboard/eventboard/internal/httpapi"
)

// AuthorizerConfig configures an [Authorizer], like the JwtConfiguration of an
// API Gateway JWT authorizer.
type AuthorizerConfig struct {
	// Issuer must equal the token's iss exactly (no trailing-slash folding).
	Issuer string
	// Audience lists the accepted app client ids; at least one is required.
	Audience []string
	// Keys resolves the token's kid to the key that verifies it.
	Keys KeySet
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Leeway is the clock skew tolerated on exp, nbf and iat. API Gateway
	// documents none (exp must be after the current time, nbf and iat before
	// it), so the default, zero, is right for the local stack, whose tokens
	// come from the same clock. Negative values are an error.
	Leeway time.Duration
}

// Authorization is what API Gateway hands the integration of an authorized
// request, under requestContext.authorizer.jwt in a payload 2.0 event.
type Authorization struct {
	// Claims holds every non-null claim of the token as a string: strings as
	// they are, numbers as their decimal text, booleans as "true" or "false",
	// arrays as "[a b]", objects as JSON text.
	Claims map[string]string
	// Scopes are the token's scopes when the route requires scopes, and nil
	// when it requires none, as API Gateway leaves jwt.scopes null then.
	Scopes []string
}

// Authorizer verifies bearer tokens as API Gateway's HTTP API JWT authorizer
// does for a Cognito user pool, and also refuses every token that is not an
// access token. It is immutable and safe for concurrent use.
type Authorizer struct {
	issuer   string
	audience []string
	keys     KeySet
	parser   *jwt.Parser
}

// NewAuthorizer returns an Authorizer for cfg. It returns an error when
// Issuer, Audience or Keys is missing or Leeway is negative.
func NewAuthorizer(cfg AuthorizerConfig) (*Authorizer, error) {
	switch {
	case cfg.Issuer == "":
		return nil, errors.New("jwtauth.NewAuthorizer: empty Issuer")
	case len(cfg.Audience) == 0 || slices.Contains(cfg.Audience, ""):
		return nil, errors.New("jwtauth.NewAuthorizer: Audience needs at least one non-empty client id")
	case cfg.Keys == nil:
		return nil, errors.New("jwtauth.NewAuthorizer: nil Keys")
	case cfg.Leeway < 0:
		return nil, fmt.Errorf("jwtauth.NewAuthorizer: negative Leeway %v", cfg.Leeway)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Authorizer{
		issuer:   cfg.Issuer,
		audience: slices.Clone(cfg.Audience),
		keys:     cfg.Keys,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{algorithm}),
			jwt.WithJSONNumber(),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(cfg.Leeway),
			jwt.WithTimeFunc(now),
		),
	}, nil
}

// Authorize checks the Authorization header of a request to a route that
// requires requiredScopes (none for a route without authorization scopes).
//
// The header must hold "Bearer <token>" (httpapi.ParseBearer), with the
// scheme in any case. The token passes when:
// its alg is RS256 (never none, HS256 or any other); its kid names a key in
// the key set and that key verifies its signature; iss equals the configured
// issuer; aud, or client_id when aud is absent, is one of the configured
// client ids (API Gateway evaluates aud whenever it is present); exp is
// present and after now, and nbf and iat, when present, are not after now
// (give or take Leeway);
// token_use is "access"; and, when requiredScopes is not empty, the token's
// scp claim, or its space-separated scope claim when scp is absent, holds at
// least one of them. At least one, not all: that is API Gateway's rule.
//
// On success it returns the claims rendered as API Gateway renders them. On
// refusal it returns a nil Authorization and an *[AuthError] with status 403
// when only the scope check failed, and 401 otherwise.
func (a *Authorizer) Authorize(authorizationHeader string, requiredScopes []string) (*Authorization, error) {
	return a.AuthorizeToken(bearerToken(authorizationHeader), requiredScopes)
}

// AuthorizeToken is Authorize for a token already taken out of its header
// (an API call that carries it in its body, as Cognito's GetUser does).
func (a *Authorizer) AuthorizeToken(raw string, requiredScopes []string) (*Authorization, error) {
	if raw == "" {
		return nil, unauthorized(reasonNoToken)
	}
	claims := jwt.MapClaims{}
	token, err := a.parser.ParseWithClaims(raw, claims, a.keyFor)
	if err != nil {
		return nil, unauthorized(reasonFor(token, err))
	}
	if iss, _ := claims["iss"].(string); iss != a.issuer {
		return nil, unauthorized(reasonIssuer)
	}
	if !a.audienceMatches(claims) {
		return nil, unauthorized(reasonAudience)
	}
	if use, _ := claims["token_use"].(string); use != TokenUseAccess {
		return nil, unauthorized(reasonNotAccessToken)
	}
	auth := &Authorization{Claims: renderClaims(claims)}
	if len(requiredScopes) == 0 {
		return auth, nil
	}
	auth.Scopes = tokenScopes(claims)
	for _, s := range requiredScopes {
		if slices.Contains(auth.Scopes, s) {
			return auth, nil
		}
	}
	return nil, &AuthError{
		Status:         http.StatusForbidden,
		Reason:         reasonNoRequiredScope,
		RequiredScopes: slices.Clone(requiredScopes),
	}
}

// bearerToken returns the token of an Authorization header value in the one
// form the API accepts (httpapi.ParseBearer, which every Lambda uses too), or
// "". API Gateway's authorizer also takes a bare token; the Lambdas would
// refuse it, so the local gateway refuses it at once.
func bearerToken(header string) string {
	token, _ := httpapi.ParseBearer(header)
	return token
}

// errUnknownKid marks a keyfunc failure, which the parser otherwise reports
// like an unknown alg.
var errUnknownKid = errors.New("unknown kid")

func (a *Authorizer) keyFor(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errUnknownKid
	}
	key, err := a.keys.KeyFor(kid)
	if err != nil || key == nil {
		return nil, errUnknownKid
	}
	return key, nil
}

// reasonFor classifies a parse failure. The parser reports several claim
// failures at once; the first matching reason in this order wins.
func reasonFor(t *jwt.Token, err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return reasonMalformed
	case t != nil && t.Method != nil && t.Method.Alg() != algorithm,
		errors.Is(err, jwt.ErrTokenUnverifiable) && !errors.Is(err, errUnknownKid):
		return reasonAlgorithm
	case errors.Is(err, errUnknownKid):
		return reasonUnknownKey
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return reasonSignature
	case errors.Is(err, jwt.ErrInvalidType):
		return reasonInvalidClaims
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return reasonNoExpiry
	case errors.Is(err, jwt.ErrTokenExpired):
		return reasonExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return reasonNotYetValid
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return reasonIssuedInFuture
	default:
		return reasonMalformed
	}
}

// audienceMatches applies API Gateway's audience rule: aud when present
// (a string or an array of strings, any element may match), client_id only
// when aud is absent or null.
func (a *Authorizer) audienceMatches(claims jwt.MapClaims) bool {
	if v, present := claims["aud"]; present && v != nil {
		aud, err := claims.GetAudience()
		if err != nil {
			return false
		}
		return slices.ContainsFunc(aud, func(s string) bool { return slices.Contains(a.audience, s) })
	}
	clientID, _ := claims["client_id"].(string)
	return clientID != "" && slices.Contains(a.audience, clientID)
}

// tokenScopes returns the token's scopes from scp (a space-separated string
// or an array of strings) when present, else from the space-separated scope.
func tokenScopes(claims jwt.MapClaims) []string {
	v, ok := claims["scp"]
	if !ok {
		v = claims["scope"]
	}
	switch v := v.(type) {
	case string:
		return strings.Fields(v)
	case []any:
		scopes := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				scopes = append(scopes, s)
			}
		}
		return scopes
	}
	return nil
}
