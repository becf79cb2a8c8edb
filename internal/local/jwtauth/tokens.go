package jwtauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// algorithm is the only signing algorithm Cognito uses and this package
// issues or accepts.
const algorithm = "RS256"

// UserAdminScope is the one scope Cognito puts in the access tokens of
// USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH sign-ins.
const UserAdminScope = "aws.cognito.signin.user.admin"

// DefaultLifetime is the lifetime of a token when the params leave it zero;
// it is Cognito's default for access and ID tokens.
const DefaultLifetime = time.Hour

// Token use values, the token_use claim.
const (
	TokenUseAccess = "access"
	TokenUseID     = "id"
)

// subjectNamespace is the UUID namespace of SubjectFor. Changing it changes
// every local user's sub, so it never changes.
var subjectNamespace = uuid.MustParse("94626a8f-70b9-4782-a1e0-2b599e3e4a35")

// SubjectFor returns the sub of the local user called username: a version 5
// UUID in a fixed namespace, so the same username always gets the same sub,
// across restarts and machines. It does not fold case; pass the username in
// the one form the identity provider stores.
func SubjectFor(username string) string {
	return uuid.NewSHA1(subjectNamespace, []byte(username)).String()
}

// AccessTokenParams describes the access token of one sign-in.
type AccessTokenParams struct {
	Subject  string // sub; required
	Username string // username; required
	Issuer   string // iss, the user pool's issuer URL; required
	ClientID string // client_id, the app client; required

	// OriginJTI ties together the tokens of one sign-in and its refreshes;
	// empty means a new random UUID.
	OriginJTI string
	// EventID identifies the authentication event; empty means a new random
	// UUID. Tokens issued together share it.
	EventID string
	// AuthTime is when the user authenticated; zero means Now.
	AuthTime time.Time
	// Lifetime is how long the token is valid, at least a second; zero means
	// DefaultLifetime. Cognito's 5 minute floor is not enforced, so tests can
	// issue short-lived tokens.
	Lifetime time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// IDTokenParams describes the ID token of one sign-in.
type IDTokenParams struct {
	Subject       string // sub; required
	Username      string // cognito:username; required
	Email         string // email
	EmailVerified bool   // email_verified
	Issuer        string // iss, the user pool's issuer URL; required
	ClientID      string // aud, the app client; required

	// OriginJTI, EventID, AuthTime, Lifetime and Now are as in
	// AccessTokenParams.
	OriginJTI string
	EventID   string
	AuthTime  time.Time
	Lifetime  time.Duration
	Now       func() time.Time
}

// Issued is a signed token and the generated values a caller may need to
// keep, for example to revoke it.
type Issued struct {
	Token     string
	JTI       string // jti, a new random UUID for every token
	OriginJTI string
	EventID   string
	ExpiresAt time.Time // exp, whole seconds
}

// accessClaims is a Cognito access token's payload, fields in Cognito's order.
type accessClaims struct {
	Sub       string `json:"sub"`
	Iss       string `json:"iss"`
	ClientID  string `json:"client_id"`
	OriginJTI string `json:"origin_jti"`
	EventID   string `json:"event_id"`
	TokenUse  string `json:"token_use"`
	Scope     string `json:"scope"`
	AuthTime  int64  `json:"auth_time"`
	Exp       int64  `json:"exp"`
	Iat       int64  `json:"iat"`
	JTI       string `json:"jti"`
	Username  string `json:"username"`
}

// idClaims is a Cognito ID token's payload.
type idClaims struct {
	Sub             string `json:"sub"`
	Aud             string `json:"aud"`
	Email           string `json:"email,omitempty"`
	EmailVerified   bool   `json:"email_verified"`
	Iss             string `json:"iss"`
	CognitoUsername string `json:"cognito:username"`
	OriginJTI       string `json:"origin_jti"`
	EventID         string `json:"event_id"`
	TokenUse        string `json:"token_use"`
	AuthTime        int64  `json:"auth_time"`
	Exp             int64  `json:"exp"`
	Iat             int64  `json:"iat"`
	JTI             string `json:"jti"`
}

// IssueAccessToken signs a Cognito-shaped access token: header
// {"kid":…,"alg":"RS256"}; claims sub, iss, client_id, origin_jti, event_id,
// token_use "access", scope "aws.cognito.signin.user.admin", auth_time, exp,
// iat, jti, username, with times in whole seconds since the epoch.
//
// It returns an error, and no token, when a required param is empty, the
// lifetime is under a second, or AuthTime is after Now.
func (s *Signer) IssueAccessToken(p AccessTokenParams) (Issued, error) {
	st, err := stampsFor(p.Subject, p.Username, p.Issuer, p.ClientID, p.OriginJTI, p.EventID, p.AuthTime, p.Lifetime, p.Now)
	if err != nil {
		return Issued{}, fmt.Errorf("jwtauth.IssueAccessToken: %w", err)
	}
	token, err := s.sign(accessClaims{
		Sub:       p.Subject,
		Iss:       p.Issuer,
		ClientID:  p.ClientID,
		OriginJTI: st.originJTI,
		EventID:   st.eventID,
		TokenUse:  TokenUseAccess,
		Scope:     UserAdminScope,
		AuthTime:  st.authTime,
		Exp:       st.exp,
		Iat:       st.iat,
		JTI:       st.jti,
		Username:  p.Username,
	})
	if err != nil {
		return Issued{}, fmt.Errorf("jwtauth.IssueAccessToken: %w", err)
	}
	return st.issued(token), nil
}

// IssueIDToken signs a Cognito-shaped ID token: header {"kid":…,"alg":"RS256"};
// claims sub, aud (the client id), email (omitted when empty), email_verified,
// iss, cognito:username, origin_jti, event_id, token_use "id", auth_time, exp,
// iat, jti.
//
// It fails in the same cases as IssueAccessToken.
func (s *Signer) IssueIDToken(p IDTokenParams) (Issued, error) {
	st, err := stampsFor(p.Subject, p.Username, p.Issuer, p.ClientID, p.OriginJTI, p.EventID, p.AuthTime, p.Lifetime, p.Now)
	if err != nil {
		return Issued{}, fmt.Errorf("jwtauth.IssueIDToken: %w", err)
	}
	token, err := s.sign(idClaims{
		Sub:             p.Subject,
		Aud:             p.ClientID,
		Email:           p.Email,
		EmailVerified:   p.EmailVerified,
		Iss:             p.Issuer,
		CognitoUsername: p.Username,
		OriginJTI:       st.originJTI,
		EventID:         st.eventID,
		TokenUse:        TokenUseID,
		AuthTime:        st.authTime,
		Exp:             st.exp,
		Iat:             st.iat,
		JTI:             st.jti,
	})
	if err != nil {
		return Issued{}, fmt.Errorf("jwtauth.IssueIDToken: %w", err)
	}
	return st.issued(token), nil
}

// stamps are the generated and time claims of one token.
type stamps struct {
	jti, originJTI, eventID string
	iat, exp, authTime      int64
}

func stampsFor(sub, username, iss, clientID, originJTI, eventID string,
	authTime time.Time, lifetime time.Duration, now func() time.Time,
) (stamps, error) {
	for _, f := range []struct{ name, value string }{
		{"Subject", sub}, {"Username", username}, {"Issuer", iss}, {"ClientID", clientID},
	} {
		if f.value == "" {
			return stamps{}, fmt.Errorf("%s is empty", f.name)
		}
	}
	if lifetime == 0 {
		lifetime = DefaultLifetime
	}
	if lifetime < time.Second {
		return stamps{}, fmt.Errorf("lifetime %v is under a second", lifetime)
	}
	if now == nil {
		now = time.Now
	}
	t := now()
	if authTime.IsZero() {
		authTime = t
	}
	if authTime.After(t) {
		return stamps{}, errors.New("AuthTime is after Now")
	}
	if originJTI == "" {
		originJTI = uuid.NewString()
	}
	if eventID == "" {
		eventID = uuid.NewString()
	}
	iat := t.Unix()
	return stamps{
		jti:       uuid.NewString(),
		originJTI: originJTI,
		eventID:   eventID,
		iat:       iat,
		exp:       iat + int64(lifetime/time.Second),
		authTime:  authTime.Unix(),
	}, nil
}

func (st stamps) issued(token string) Issued {
	return Issued{
		Token:     token,
		JTI:       st.jti,
		OriginJTI: st.originJTI,
		EventID:   st.eventID,
		ExpiresAt: time.Unix(st.exp, 0),
	}
}

// sign serialises claims as a compact JWS. It builds the header itself rather
// than through jwt.Token so that the header is exactly Cognito's (no "typ")
// and the claims keep their declared order.
func (s *Signer) sign(claims any) (string, error) {
	header, err := json.Marshal(struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}{s.kid, algorithm})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signingInput := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	sig, err := jwt.SigningMethodRS256.Sign(signingInput, s.key)
	if err != nil {
		return "", err
	}
	return signingInput + "." + enc.EncodeToString(sig), nil
}
