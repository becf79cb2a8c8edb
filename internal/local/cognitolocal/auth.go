package cognitolocal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

// Auth flows and challenges the pool's app client supports.
const (
	flowUserPassword        = "USER_PASSWORD_AUTH"
	flowRefreshToken        = "REFRESH_TOKEN_AUTH"
	flowRefreshTokenLegacy  = "REFRESH_TOKEN"
	challengeNewPassword    = "NEW_PASSWORD_REQUIRED"
	tokenTypeBearer         = "Bearer"
	paramUsername           = "USERNAME"
	paramPassword           = "PASSWORD"
	paramNewPassword        = "NEW_PASSWORD"
	paramSecretHash         = "SECRET_HASH"
	paramRefreshToken       = "REFRESH_TOKEN"
	msgTemporaryPwExpired   = "Temporary password has expired and must be reset by an administrator."
	msgInvalidSession       = "Invalid session for the user, session is expired."
	msgUserNotConfirmed     = "User is not confirmed."
	refreshTokenRandomBytes = 48
)

type initiateAuthRequest struct {
	AuthFlow       string            `json:"AuthFlow"`
	ClientId       string            `json:"ClientId"`
	AuthParameters map[string]string `json:"AuthParameters"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

type authenticationResult struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int    `json:"ExpiresIn"`
	IdToken      string `json:"IdToken"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	TokenType    string `json:"TokenType"`
}

// authResponse is the answer of InitiateAuth and RespondToAuthChallenge:
// tokens, or the next challenge.
type authResponse struct {
	AuthenticationResult *authenticationResult `json:"AuthenticationResult,omitempty"`
	ChallengeName        string                `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	Session              string                `json:"Session,omitempty"`
}

// challenge is a pending NEW_PASSWORD_REQUIRED challenge.
type challenge struct {
	user    string // userKey
	expires time.Time
}

func opInitiateAuth(s *Server, _ *http.Request, req *initiateAuthRequest) (any, error) {
	if err := s.checkClient(req.ClientId); err != nil {
		return nil, err
	}
	switch req.AuthFlow {
	case "":
		return nil, missingParameter("authFlow")
	case flowUserPassword:
		return s.passwordAuth(req.AuthParameters)
	case flowRefreshToken, flowRefreshTokenLegacy:
		return s.refreshAuth(req.AuthParameters)
	default:
		return nil, newError(errInvalidParameter, "%s flow not enabled for this client", req.AuthFlow)
	}
}

func requireParam(params map[string]string, name string) (string, error) {
	v := params[name]
	if v == "" {
		return "", newError(errInvalidParameter, "Missing required parameter %s", name)
	}
	return v, nil
}

// snapshot returns a copy of the user called username, or nil.
func (s *Server) snapshot(username string) *user {
	var out *user
	s.store.view(func(st *state) { out = cloneUser(st.Users[userKey(username)]) })
	return out
}

// cloneUser returns a copy of u that shares nothing with it, or nil.
func cloneUser(u *user) *user {
	if u == nil {
		return nil
	}
	c := *u
	c.Attributes = maps.Clone(u.Attributes)
	if u.Code != nil {
		cc := *u.Code
		c.Code = &cc
	}
	return &c
}

// passwordAuth is USER_PASSWORD_AUTH. An unknown user and a wrong password get
// the same answer, after the same work.
func (s *Server) passwordAuth(params map[string]string) (any, error) {
	username, err := requireParam(params, paramUsername)
	if err != nil {
		return nil, err
	}
	password, err := requireParam(params, paramPassword)
	if err != nil {
		return nil, err
	}
	u := s.snapshot(username)
	stored := ""
	if u != nil {
		stored = u.Username
	}
	if err := s.checkSecretHash(params[paramSecretHash], username, stored); err != nil {
		return nil, err
	}
	key := userKey(username)
	if s.passwordFailures.locked(key, s.now()) {
		return nil, newError(errNotAuthorized, msgPasswordAttemptsExceeded)
	}
	hash := decoyHash()
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := passwordMatches(hash, password)
	if err != nil {
		return nil, err
	}
	if u == nil || !ok {
		s.passwordFailures.fail(key, s.now())
		return nil, newError(errNotAuthorized, msgIncorrectCredentials)
	}
	s.passwordFailures.succeed(key)
	switch u.Status {
	case statusUnconfirmed:
		return nil, newError(errUserNotConfirmed, msgUserNotConfirmed)
	case statusForceChangePassword:
		if s.now().After(u.TempPwExpires) {
			return nil, newError(errNotAuthorized, msgTemporaryPwExpired)
		}
		return s.newPasswordChallenge(u)
	}
	return s.signIn(u)
}

// newPasswordChallenge answers the sign-in of a user created by an
// administrator: they must choose a password first.
func (s *Server) newPasswordChallenge(u *user) (any, error) {
	session, err := randomToken(refreshTokenRandomBytes)
	if err != nil {
		return nil, fmt.Errorf("InitiateAuth: %w", err)
	}
	now := s.now()
	s.mu.Lock()
	for id, c := range s.challenges {
		if now.After(c.expires) {
			delete(s.challenges, id)
		}
	}
	s.challenges[session] = challenge{user: userKey(u.Username), expires: now.Add(challengeSessionTTL)}
	s.mu.Unlock()
	attrs, err := json.Marshal(u.Attributes)
	if err != nil {
		return nil, fmt.Errorf("InitiateAuth: %w", err)
	}
	return authResponse{
		ChallengeName: challengeNewPassword,
		Session:       session,
		ChallengeParameters: map[string]string{
			"USER_ID_FOR_SRP":    u.Username,
			"requiredAttributes": "[]",
			"userAttributes":     string(attrs),
		},
	}, nil
}

type respondToAuthChallengeRequest struct {
	ClientId           string            `json:"ClientId"`
	ChallengeName      string            `json:"ChallengeName"`
	Session            string            `json:"Session"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
}

// opRespondToAuthChallenge answers NEW_PASSWORD_REQUIRED, the only challenge
// this pool sets: it sets the user's password, confirms them and signs them
// in. It does not run the post confirmation trigger, as Cognito does not for
// users created by an administrator.
func opRespondToAuthChallenge(s *Server, _ *http.Request, req *respondToAuthChallengeRequest) (any, error) {
	if err := s.checkClient(req.ClientId); err != nil {
		return nil, err
	}
	if req.ChallengeName == "" {
		return nil, missingParameter("challengeName")
	}
	if req.ChallengeName != challengeNewPassword {
		return nil, newError(errInvalidParameter, "Challenge %s is not expected for this session", req.ChallengeName)
	}
	username, err := requireParam(req.ChallengeResponses, paramUsername)
	if err != nil {
		return nil, err
	}
	newPassword, err := requireParam(req.ChallengeResponses, paramNewPassword)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	ch, ok := s.challenges[req.Session]
	s.mu.Unlock()
	if !ok || s.now().After(ch.expires) || ch.user != userKey(username) {
		return nil, newError(errNotAuthorized, msgInvalidSession)
	}
	u := s.snapshot(username)
	if u == nil || u.Status != statusForceChangePassword {
		return nil, newError(errNotAuthorized, msgInvalidSession)
	}
	if err := s.checkSecretHash(req.ChallengeResponses[paramSecretHash], username, u.Username); err != nil {
		return nil, err
	}
	if err := s.cfg.PasswordPolicy.check("password", newPassword); err != nil {
		return nil, err
	}
	hash, err := hashPassword(newPassword)
	if err != nil {
		return nil, fmt.Errorf("RespondToAuthChallenge: %w", err)
	}
	err = s.update(func(st *state) error {
		cur := st.Users[userKey(username)]
		if cur == nil || cur.Sub != u.Sub || cur.Status != statusForceChangePassword {
			return newError(errNotAuthorized, msgInvalidSession)
		}
		cur.PasswordHash = hash
		cur.Status = statusConfirmed
		cur.TempPwExpires = time.Time{}
		cur.Modified = s.now()
		u.Status = cur.Status
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	delete(s.challenges, req.Session)
	s.mu.Unlock()
	return s.signIn(u)
}

// signIn starts a session for u: new access, ID and refresh tokens sharing a
// new origin_jti, event_id and auth_time.
func (s *Server) signIn(u *user) (any, error) {
	now := s.now()
	access, id, err := s.issueTokens(u, "", "", now)
	if err != nil {
		return nil, fmt.Errorf("InitiateAuth: %w", err)
	}
	refresh, err := randomToken(refreshTokenRandomBytes)
	if err != nil {
		return nil, fmt.Errorf("InitiateAuth: %w", err)
	}
	key := userKey(u.Username)
	digest := tokenDigest(refresh)
	err = s.update(func(st *state) error {
		if cur := st.Users[key]; cur == nil || cur.Sub != u.Sub {
			return newError(errNotAuthorized, msgIncorrectCredentials)
		}
		st.Sessions[access.OriginJTI] = &session{
			User:          key,
			RefreshDigest: digest,
			EventID:       access.EventID,
			AuthTime:      now,
			Expires:       now.Add(s.cfg.RefreshTokenTTL),
		}
		s.store.byDigest[digest] = access.OriginJTI
		return nil
	})
	if err != nil {
		return nil, err
	}
	return authResponse{
		AuthenticationResult: &authenticationResult{
			AccessToken:  access.Token,
			ExpiresIn:    int(s.cfg.AccessTokenTTL / time.Second),
			IdToken:      id.Token,
			RefreshToken: refresh,
			TokenType:    tokenTypeBearer,
		},
		ChallengeParameters: map[string]string{},
	}, nil
}

// refreshAuth is REFRESH_TOKEN_AUTH: new access and ID tokens for the session
// of a refresh token, keeping its origin_jti, event_id and auth_time. The
// refresh token itself is not rotated.
func (s *Server) refreshAuth(params map[string]string) (any, error) {
	token, err := requireParam(params, paramRefreshToken)
	if err != nil {
		return nil, err
	}
	var (
		found  bool
		origin string
		ss     session
		u      *user
	)
	s.store.view(func(st *state) {
		origin = s.store.byDigest[tokenDigest(token)]
		p := st.Sessions[origin]
		if p == nil {
			return
		}
		found, ss = true, *p
		u = cloneUser(st.Users[p.User])
	})
	if s.cfg.ClientSecret != "" && params[paramSecretHash] == "" {
		return nil, s.checkSecretHash("")
	}
	if u != nil {
		if err := s.checkSecretHash(params[paramSecretHash], params[paramUsername], u.Username); err != nil {
			return nil, err
		}
	}
	switch {
	case !found:
		return nil, newError(errNotAuthorized, msgInvalidRefreshToken)
	case ss.Revoked || u == nil: // a deleted user's sessions are revoked
		return nil, newError(errNotAuthorized, msgRevokedRefreshToken)
	case s.now().After(ss.Expires):
		return nil, newError(errNotAuthorized, msgExpiredRefreshToken)
	}
	access, id, err := s.issueTokens(u, origin, ss.EventID, ss.AuthTime)
	if err != nil {
		return nil, fmt.Errorf("InitiateAuth: %w", err)
	}
	return authResponse{
		AuthenticationResult: &authenticationResult{
			AccessToken: access.Token,
			ExpiresIn:   int(s.cfg.AccessTokenTTL / time.Second),
			IdToken:     id.Token,
			TokenType:   tokenTypeBearer,
		},
		ChallengeParameters: map[string]string{},
	}, nil
}

// issueTokens signs an access and an ID token for u. Empty originJTI and
// eventID mean new ones.
func (s *Server) issueTokens(u *user, originJTI, eventID string, authTime time.Time) (access, id jwtauth.Issued, err error) {
	access, err = s.cfg.Signer.IssueAccessToken(jwtauth.AccessTokenParams{
		Subject:   u.Sub,
		Username:  u.Username,
		Issuer:    s.cfg.Issuer,
		ClientID:  s.cfg.ClientID,
		OriginJTI: originJTI,
		EventID:   eventID,
		AuthTime:  authTime,
		Lifetime:  s.cfg.AccessTokenTTL,
		Now:       s.cfg.Now,
	})
	if err != nil {
		return jwtauth.Issued{}, jwtauth.Issued{}, err
	}
	id, err = s.cfg.Signer.IssueIDToken(jwtauth.IDTokenParams{
		Subject:       u.Sub,
		Username:      u.Username,
		Email:         u.Attributes[attrEmail],
		EmailVerified: u.Attributes[attrEmailVerified] == "true",
		Issuer:        s.cfg.Issuer,
		ClientID:      s.cfg.ClientID,
		OriginJTI:     access.OriginJTI,
		EventID:       access.EventID,
		AuthTime:      authTime,
		Lifetime:      s.cfg.IDTokenTTL,
		Now:           s.cfg.Now,
	})
	if err != nil {
		return jwtauth.Issued{}, jwtauth.Issued{}, err
	}
	return access, id, nil
}

// randomToken returns n random bytes in unpadded base64url: opaque, and within
// the character set Cognito allows for tokens.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenDigest is what the state keeps of a refresh token.
func tokenDigest(token string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return hex.EncodeToString(sum[:])
}
