package cognitolocal

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"time"
)

type getTokensFromRefreshTokenRequest struct {
	ClientId       string            `json:"ClientId"`
	ClientSecret   string            `json:"ClientSecret"`
	RefreshToken   string            `json:"RefreshToken"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

type getTokensFromRefreshTokenResponse struct {
	AuthenticationResult *authenticationResult `json:"AuthenticationResult"`
}

// opGetTokensFromRefreshToken renews a session's tokens. With
// Config.RotateRefreshTokens, as an app client with RefreshTokenRotation
// enabled, it also issues a new refresh token for the session; the one given
// keeps working for Config.RefreshGracePeriod (for a client's retry) and is
// refused after it. Without rotation it is REFRESH_TOKEN_AUTH by another
// name.
func opGetTokensFromRefreshToken(s *Server, _ *http.Request, req *getTokensFromRefreshTokenRequest) (any, error) {
	if err := s.checkClient(req.ClientId); err != nil {
		return nil, err
	}
	if req.RefreshToken == "" {
		return nil, missingParameter("refreshToken")
	}
	if secret := s.cfg.ClientSecret; secret != "" &&
		subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(secret)) != 1 {
		return nil, newError(errNotAuthorized, "Client %s is configured with secret but the client secret was not received or is wrong", s.cfg.ClientID)
	}
	now := s.now()
	digest := tokenDigest(req.RefreshToken)
	var (
		origin  string
		ss      session
		u       *user
		refresh string
	)
	if s.cfg.RotateRefreshTokens {
		var err error
		if refresh, err = randomToken(refreshTokenRandomBytes); err != nil {
			return nil, fmt.Errorf("GetTokensFromRefreshToken: %w", err)
		}
	}
	err := s.update(func(st *state) error {
		origin = s.store.byDigest[digest]
		p := st.Sessions[origin]
		switch {
		case p == nil:
			return newError(errNotAuthorized, msgInvalidRefreshToken)
		case p.Revoked || st.Users[p.User] == nil:
			return newError(errNotAuthorized, msgRevokedRefreshToken)
		case now.After(p.Expires):
			return newError(errNotAuthorized, msgExpiredRefreshToken)
		case digest != p.RefreshDigest && !now.Before(p.Previous[digest]):
			return newError(errNotAuthorized, msgInvalidRefreshToken)
		}
		u = cloneUser(st.Users[p.User])
		if refresh == "" || digest != p.RefreshDigest {
			// No rotation, or a retry within the grace period: the
			// rotation already happened, this only renews the tokens.
			refresh = ""
			ss = *p
			return errUnchanged
		}
		for d, until := range p.Previous { // forget those past their grace period
			if !now.Before(until) {
				delete(p.Previous, d)
				delete(s.store.byDigest, d)
			}
		}
		if p.Previous == nil {
			p.Previous = map[string]time.Time{}
		}
		p.Previous[p.RefreshDigest] = now.Add(s.cfg.RefreshGracePeriod)
		p.RefreshDigest = tokenDigest(refresh)
		s.store.byDigest[p.RefreshDigest] = origin
		ss = *p
		return nil
	})
	if err != nil {
		return nil, err
	}
	access, id, err := s.issueTokens(u, origin, ss.EventID, ss.AuthTime)
	if err != nil {
		return nil, fmt.Errorf("GetTokensFromRefreshToken: %w", err)
	}
	return getTokensFromRefreshTokenResponse{AuthenticationResult: &authenticationResult{
		AccessToken:  access.Token,
		ExpiresIn:    int(s.cfg.AccessTokenTTL / time.Second),
		IdToken:      id.Token,
		RefreshToken: refresh,
		TokenType:    tokenTypeBearer,
	}}, nil
}
