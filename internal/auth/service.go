package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/eventboard/eventboard/internal/apperr"
)

// Session identifies one sign-in: the tokens issued by a login and by the
// refreshes that follow it share OriginJTI.
type Session struct {
	Sub       string
	OriginJTI string
	IssuedAt  time.Time // when the token at hand was issued
}

// Revocations records sign-outs so the API can refuse the access tokens
// they ended (API Gateway's authorizer only checks signatures and expiry).
// Records need to outlive only the longest-lived access token.
type Revocations interface {
	// RevokeSession revokes every token of one sign-in.
	RevokeSession(ctx context.Context, originJTI string, until time.Time) error
	// RevokeUser revokes every token of the user issued before at.
	RevokeUser(ctx context.Context, sub string, at, until time.Time) error
	// IsRevoked reports whether s was revoked by either.
	IsRevoked(ctx context.Context, s Session) (bool, error)
}

// ErrRevoked is the answer to a token whose session was signed out.
var ErrRevoked = apperr.New(apperr.Unauthorized, "TOKEN_REVOKED", "This session has been signed out; log in again.")

// Service is the identity application service.
type Service struct {
	idp         IdentityProvider
	revocations Revocations
	// revokeFor is how long revocation records are kept: at least the
	// longest access-token lifetime.
	revokeFor time.Duration
	now       func() time.Time
}

// NewService returns a Service. revokeFor must cover the longest access
// token lifetime of the user pool.
func NewService(idp IdentityProvider, revocations Revocations, revokeFor time.Duration) *Service {
	return &Service{idp: idp, revocations: revocations, revokeFor: revokeFor, now: time.Now}
}

// Limits on what the API accepts before it asks the provider.
const (
	MaxUsernameLen = 128
	MaxEmailLen    = 254
	MinPasswordLen = 8
	MaxPasswordLen = 256
	MaxCodeLen     = 16
)

var (
	errUsername = apperr.Errorf(apperr.Invalid, "INVALID_USERNAME", "username must be 1 to %d characters, without spaces.", MaxUsernameLen)
	errEmail    = apperr.New(apperr.Invalid, "INVALID_EMAIL", "email must be a valid e-mail address.")
	errPassword = apperr.Errorf(apperr.Invalid, "WEAK_PASSWORD", "password must be %d to %d characters with lower and upper case letters, a digit and a symbol.", MinPasswordLen, MaxPasswordLen)
	errCode     = apperr.New(apperr.Invalid, "INVALID_CODE", "The confirmation code is wrong or has expired.")
)

func validUsername(u string) bool {
	if u == "" || utf8.RuneCountInString(u) > MaxUsernameLen || !utf8.ValidString(u) {
		return false
	}
	for _, r := range u {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func validEmail(e string) bool {
	if len(e) > MaxEmailLen || strings.ContainsAny(e, " <>\"") {
		return false
	}
	addr, err := mail.ParseAddress(e)
	return err == nil && addr.Address == e && strings.Contains(e[strings.LastIndex(e, "@"):], ".")
}

// SignUp registers a user; a code is sent to email. Errors: INVALID_USERNAME,
// INVALID_EMAIL, WEAK_PASSWORD, USERNAME_EXISTS.
func (s *Service) SignUp(ctx context.Context, username, email, password string) (string, error) {
	switch {
	case !validUsername(username):
		return "", errUsername
	case !validEmail(email):
		return "", errEmail
	case utf8.RuneCountInString(password) < MinPasswordLen || len(password) > MaxPasswordLen:
		return "", errPassword
	}
	sub, err := s.idp.SignUp(ctx, username, email, password)
	switch {
	case errors.Is(err, ErrInvalidPassword):
		return "", errPassword
	case err != nil:
		return "", fmt.Errorf("auth.SignUp: %w", err)
	}
	return sub, nil
}

// Confirm confirms a sign-up. It answers INVALID_CODE alike for a wrong or
// expired code, an unknown user and a user already confirmed, so it does not
// tell whether a username exists.
func (s *Service) Confirm(ctx context.Context, username, code string) error {
	if !validUsername(username) {
		return errUsername
	}
	if code == "" || len(code) > MaxCodeLen {
		return errCode
	}
	err := s.idp.ConfirmSignUp(ctx, username, code)
	switch {
	case errors.Is(err, ErrCodeMismatch), errors.Is(err, ErrExpiredCode), errors.Is(err, ErrNotAuthorized), errors.Is(err, ErrInvalidParameter):
		return errCode
	case err != nil:
		return fmt.Errorf("auth.Confirm: %w", err)
	}
	return nil
}

// Resend sends a new confirmation code. It succeeds alike for an unknown
// user and a user already confirmed (nothing is sent to them), so it does not
// tell whether a username exists.
func (s *Service) Resend(ctx context.Context, username string) error {
	if !validUsername(username) {
		return errUsername
	}
	err := s.idp.ResendConfirmationCode(ctx, username)
	switch {
	case err == nil, errors.Is(err, ErrInvalidParameter), errors.Is(err, ErrNotAuthorized):
		return nil
	default:
		return fmt.Errorf("auth.Resend: %w", err)
	}
}

// ForgotPassword sends a code to reset username's password to their
// e-mail address. It succeeds alike for an unknown user, an unconfirmed
// one and a throttled attempt (nothing is sent to them), so it does not
// tell whether a username exists; only a fault of the provider is an error.
func (s *Service) ForgotPassword(ctx context.Context, username string) error {
	if !validUsername(username) {
		return errUsername
	}
	err := s.idp.ForgotPassword(ctx, username)
	switch {
	case err == nil, errors.Is(err, ErrNotAuthorized), errors.Is(err, ErrInvalidParameter),
		errors.Is(err, ErrUserNotConfirmed), errors.Is(err, ErrTooManyRequests):
		return nil
	default:
		return fmt.Errorf("auth.ForgotPassword: %w", err)
	}
}

// ResetPassword sets a new password with the code ForgotPassword sent.
// Errors: INVALID_CODE, alike for a wrong or expired code and an unknown
// user (it does not tell whether a username exists); WEAK_PASSWORD;
// TOO_MANY_REQUESTS after too many wrong codes.
func (s *Service) ResetPassword(ctx context.Context, username, code, newPassword string) error {
	switch {
	case !validUsername(username):
		return errUsername
	case code == "" || len(code) > MaxCodeLen:
		return errCode
	case utf8.RuneCountInString(newPassword) < MinPasswordLen || len(newPassword) > MaxPasswordLen:
		return errPassword
	}
	err := s.idp.ConfirmForgotPassword(ctx, username, code, newPassword)
	switch {
	case errors.Is(err, ErrInvalidPassword):
		return errPassword
	case errors.Is(err, ErrCodeMismatch), errors.Is(err, ErrExpiredCode), errors.Is(err, ErrNotAuthorized),
		errors.Is(err, ErrInvalidParameter), errors.Is(err, ErrUserNotConfirmed):
		return errCode
	case err != nil:
		return fmt.Errorf("auth.ResetPassword: %w", err)
	}
	return nil
}

// Login signs in. A wrong password and an unknown user are the same
// INVALID_CREDENTIALS; a challenge is its own 4xx (NEW_PASSWORD_REQUIRED or
// LOGIN_CHALLENGE), never tokens-less success.
func (s *Service) Login(ctx context.Context, username, password string) (Tokens, error) {
	if !validUsername(username) || password == "" || len(password) > MaxPasswordLen {
		return Tokens{}, ErrNotAuthorized
	}
	t, err := s.idp.Login(ctx, username, password)
	var ch *ChallengeError
	switch {
	case errors.As(err, &ch) && ch.Name == "NEW_PASSWORD_REQUIRED":
		return Tokens{}, apperr.New(apperr.Forbidden, "NEW_PASSWORD_REQUIRED", "This account must set a new password before it can log in.")
	case errors.As(err, &ch):
		return Tokens{}, apperr.Errorf(apperr.Forbidden, "LOGIN_CHALLENGE", "The sign-in needs a step this app does not support (%s).", ch.Name)
	case errors.Is(err, ErrInvalidParameter):
		return Tokens{}, ErrNotAuthorized
	case err != nil:
		return Tokens{}, fmt.Errorf("auth.Login: %w", err)
	case t.AccessToken == "" || t.RefreshToken == "":
		return Tokens{}, fmt.Errorf("auth.Login: the provider answered without tokens")
	}
	return t, nil
}

// ErrInvalidRefresh is the answer to a refresh without a usable refresh
// token.
var ErrInvalidRefresh = apperr.New(apperr.Unauthorized, "INVALID_REFRESH_TOKEN", "The session has expired; log in again.")

// Refresh returns new access and ID tokens for a refresh token.
func (s *Service) Refresh(ctx context.Context, username, refreshToken string) (Tokens, error) {
	if !validUsername(username) || refreshToken == "" {
		return Tokens{}, ErrInvalidRefresh
	}
	t, err := s.idp.Refresh(ctx, username, refreshToken)
	switch {
	case errors.Is(err, ErrNotAuthorized), errors.Is(err, ErrInvalidParameter):
		return Tokens{}, ErrInvalidRefresh
	case err != nil:
		return Tokens{}, fmt.Errorf("auth.Refresh: %w", err)
	case t.AccessToken == "":
		return Tokens{}, fmt.Errorf("auth.Refresh: the provider answered without tokens")
	}
	return t, nil
}

// Logout ends the sessions of the tokens a caller holds: accessToken (from
// the Authorization header) and refreshToken (from the refresh cookie, with
// the username its SECRET_HASH needs). Any of them may be empty, expired,
// revoked or made up. Nothing is recorded for a token the provider does not
// accept, so only a holder of a live token of a session can end it: nobody
// can sign out someone else, and an unauthenticated caller writes nothing.
//
// For a live access token it records the token's own session and the user's
// sign-out (to the millisecond, so a token issued earlier in the same second
// is refused too), and signs the user out of every device. For a live
// refresh token it records the session the provider says the token belongs
// to (a refresh proves it) and revokes the token. Tokens that are already
// invalid are not an error: logging out twice is fine.
func (s *Service) Logout(ctx context.Context, username, refreshToken, accessToken string) error {
	now := s.now()
	until := now.Add(s.revokeFor)
	if accessToken != "" && len(accessToken) <= MaxTokenLen {
		if err := s.endAccessSession(ctx, accessToken, now, until); err != nil {
			return fmt.Errorf("auth.Logout: %w", err)
		}
	}
	if refreshToken != "" && len(refreshToken) <= MaxTokenLen && validUsername(username) {
		if err := s.endRefreshSession(ctx, username, refreshToken, until); err != nil {
			return fmt.Errorf("auth.Logout: %w", err)
		}
	}
	return nil
}

// MaxTokenLen bounds the tokens the service passes to the provider (Cognito's
// are about 1–2 KB; API Gateway caps a header at 10 KB).
const MaxTokenLen = 8 << 10

// invalidToken reports whether err says the provider does not accept a token.
func invalidToken(err error) bool {
	return errors.Is(err, ErrNotAuthorized) || errors.Is(err, ErrInvalidParameter)
}

func (s *Service) endAccessSession(ctx context.Context, accessToken string, now, until time.Time) error {
	user, err := s.idp.GetUser(ctx, accessToken)
	if invalidToken(err) {
		return nil // expired or revoked: it can no longer write anyway
	}
	if err != nil {
		return err
	}
	if sess, ok := TokenSession(accessToken); ok && sess.Sub == user.Sub && sess.OriginJTI != "" {
		if err := s.revocations.RevokeSession(ctx, sess.OriginJTI, until); err != nil {
			return err
		}
	}
	if err := s.revocations.RevokeUser(ctx, user.Sub, now, until); err != nil {
		return err
	}
	if err := s.idp.GlobalSignOut(ctx, accessToken); err != nil && !errors.Is(err, ErrNotAuthorized) && !errors.Is(err, ErrUnsupported) {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

func (s *Service) endRefreshSession(ctx context.Context, username, refreshToken string, until time.Time) error {
	// The cookie is not signed, so what it could say about its session is
	// not trusted: a refresh proves the token and names its session.
	t, err := s.idp.Refresh(ctx, username, refreshToken)
	if invalidToken(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if sess, ok := TokenSession(t.AccessToken); ok && sess.OriginJTI != "" {
		if err := s.revocations.RevokeSession(ctx, sess.OriginJTI, until); err != nil {
			return err
		}
	}
	for _, rt := range []string{refreshToken, t.RefreshToken} {
		if rt == "" {
			continue
		}
		if err := s.idp.RevokeToken(ctx, rt); err != nil && !invalidToken(err) {
			return fmt.Errorf("revoke: %w", err)
		}
	}
	return nil
}

// Me describes the caller of an access token.
func (s *Service) Me(ctx context.Context, accessToken string) (User, error) {
	u, err := s.idp.GetUser(ctx, accessToken)
	if errors.Is(err, ErrNotAuthorized) {
		return User{}, ErrRevoked
	}
	if err != nil {
		return User{}, fmt.Errorf("auth.Me: %w", err)
	}
	return u, nil
}

// CheckSession returns ErrRevoked when s was signed out.
func (s *Service) CheckSession(ctx context.Context, sess Session) error {
	revoked, err := s.revocations.IsRevoked(ctx, sess)
	if err != nil {
		return fmt.Errorf("auth.CheckSession: %w", err)
	}
	if revoked {
		return ErrRevoked
	}
	return nil
}
