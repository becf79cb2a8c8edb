package cognitolocal

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

// reasonTokenExpired is jwtauth's AuthError.Reason for an expired token.
const reasonTokenExpired = "the token has expired"

type accessTokenRequest struct {
	AccessToken string `json:"AccessToken"`
}

type getUserResponse struct {
	Username       string          `json:"Username"`
	UserAttributes []attributeType `json:"UserAttributes"`
}

// opGetUser describes the user an access token belongs to.
func opGetUser(s *Server, _ *http.Request, req *accessTokenRequest) (any, error) {
	u, _, err := s.authenticate(req.AccessToken)
	if err != nil {
		return nil, err
	}
	return getUserResponse{Username: u.Username, UserAttributes: attributeList(u)}, nil
}

// opGlobalSignOut signs the user out everywhere: all their refresh tokens, and
// every access and ID token issued so far, stop working with this API.
func opGlobalSignOut(s *Server, _ *http.Request, req *accessTokenRequest) (any, error) {
	u, _, err := s.authenticate(req.AccessToken)
	if err != nil {
		return nil, err
	}
	key := userKey(u.Username)
	err = s.update(func(st *state) error {
		cur := st.Users[key]
		if cur == nil {
			return newError(errUserNotFound, msgUserNotFound)
		}
		cur.SignedOut = s.now()
		st.revokeSessions(key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

type revokeTokenRequest struct {
	Token        string `json:"Token"`
	ClientId     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret"`
}

// opRevokeToken revokes a refresh token and the access and ID tokens of its
// sign-in. As RFC 7009 and Cognito's revocation endpoint do, it succeeds for
// a token that is unknown or already revoked.
func opRevokeToken(s *Server, _ *http.Request, req *revokeTokenRequest) (any, error) {
	if req.Token == "" {
		return nil, missingParameter("token")
	}
	if err := s.checkClient(req.ClientId); err != nil {
		return nil, err
	}
	if secret := s.cfg.ClientSecret; secret != "" &&
		subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(secret)) != 1 {
		return nil, newError(errUnauthorized, "Client authentication failed: the client secret is missing or wrong.")
	}
	if looksLikeJWT(req.Token) {
		return nil, newError(errUnsupportedTokenType, "Only refresh tokens can be revoked.")
	}
	err := s.update(func(st *state) error {
		ss := st.Sessions[s.store.byDigest[tokenDigest(req.Token)]]
		if ss == nil || ss.Revoked {
			return errUnchanged
		}
		ss.Revoked = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// looksLikeJWT reports whether token is a compact JWS, such as an access or
// ID token, rather than an opaque refresh token.
func looksLikeJWT(token string) bool {
	header, _, ok := strings.Cut(token, ".")
	if !ok || strings.Count(token, ".") != 2 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(raw, &h) == nil && h.Alg != ""
}

// authenticate checks an access token as Cognito's user APIs do: a valid
// access token of this pool's client, not revoked, of a user that exists. It
// returns a copy of the user and the token's claims, or NotAuthorizedException
// ("Invalid Access Token", "Access Token has expired", "Access Token has been
// revoked") or UserNotFoundException.
func (s *Server) authenticate(accessToken string) (*user, map[string]string, error) {
	if accessToken == "" {
		return nil, nil, missingParameter("accessToken")
	}
	auth, err := s.authorizer.AuthorizeToken(accessToken, nil)
	if err != nil {
		var authErr *jwtauth.AuthError
		if errors.As(err, &authErr) && authErr.Reason == reasonTokenExpired {
			return nil, nil, newError(errNotAuthorized, msgExpiredAccessToken)
		}
		return nil, nil, newError(errNotAuthorized, msgInvalidAccessToken)
	}
	claims := auth.Claims
	iat, _ := strconv.ParseInt(claims["iat"], 10, 64)
	var (
		u       *user
		revoked bool
	)
	s.store.view(func(st *state) {
		ss := st.Sessions[claims["origin_jti"]]
		cur := st.Users[userKey(claims["username"])]
		switch {
		case ss != nil:
			revoked = ss.Revoked || ss.User != userKey(claims["username"])
		case cur != nil && !cur.SignedOut.IsZero():
			// A token of a sign-in this pool did not record (issued
			// elsewhere with the same key): revoked if it predates the
			// user's last global sign-out.
			revoked = iat <= cur.SignedOut.Unix()
		}
		u = cloneUser(cur)
	})
	switch {
	case revoked:
		return nil, nil, newError(errNotAuthorized, msgRevokedAccessToken)
	case u == nil:
		return nil, nil, newError(errUserNotFound, msgUserNotFound)
	}
	return u, claims, nil
}
