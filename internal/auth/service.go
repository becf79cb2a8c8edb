package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
//
// Revocation is decided by session identity, the sign-in a token descends
// from: a token's issue time is in whole seconds, too coarse to order it
// against a sign-out in the same second, so a sign-out everywhere revokes
// the tokens issued in earlier seconds, and of those issued in its own
// second only the ones whose sign-in did not start after it.
type Revocations interface {
	// RevokeSession revokes every token of one sign-in.
	RevokeSession(ctx context.Context, originJTI string, until time.Time) error
	// RevokeUser revokes every token of the user's sign-ins that started
	// before at (to the microsecond). A later at wins over an earlier one
	// whatever order they arrive in.
	RevokeUser(ctx context.Context, sub string, at, until time.Time) error
	// SessionStarted records when the sign-in originJTI started, so a
	// sign-out everywhere recorded earlier, even in the same second as its
	// tokens' issue time, does not revoke it.
	SessionStarted(ctx context.Context, originJTI string, at, until time.Time) error
	// IsRevoked reports whether s was revoked by RevokeSession or
	// RevokeUser.
	IsRevoked(ctx context.Context, s Session) (bool, error)
	// RecordRotation records that the refresh token whose digest is
	// tokenDigest was rotated out: r.Session is the session as the
	// successor's access token describes it (its IssuedAt is when the
	// rotation happened), r.SealedSuccessor the successor sealed so only a
	// holder of the rotated-out token can open it.
	RecordRotation(ctx context.Context, tokenDigest string, r Rotation, until time.Time) error
	// RotatedFrom returns the rotation that replaced a refresh token; ok is
	// false when tokenDigest was never rotated out (or is forgotten).
	RotatedFrom(ctx context.Context, tokenDigest string) (r Rotation, ok bool, err error)
}

// Rotation is one rotation of a refresh token, as Revocations keeps it.
type Rotation struct {
	Session
	SealedSuccessor string
}

// RevokedBySignOut reports whether a sign-out everywhere at signedOut
// revokes s, whose sign-in started at started (zero when unknown): a token
// issued in an earlier second is revoked; one issued in the sign-out's own
// second is revoked unless its sign-in is known to have started after the
// sign-out. Implementations of Revocations share this rule.
func RevokedBySignOut(s Session, signedOut, started time.Time) bool {
	if signedOut.IsZero() {
		return false
	}
	iat, out := s.IssuedAt.Unix(), signedOut.Unix()
	switch {
	case iat < out:
		return true
	case iat > out:
		return false
	}
	return started.IsZero() || !started.After(signedOut)
}

// SameSecondAsSignOut reports whether s was issued in the second of a
// sign-out at signedOut, the one case RevokedBySignOut needs the start of
// s's sign-in for.
func SameSecondAsSignOut(s Session, signedOut time.Time) bool {
	return !signedOut.IsZero() && s.IssuedAt.Unix() == signedOut.Unix()
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
	// refreshFor is how long rotated-out refresh tokens are remembered, to
	// detect their reuse: the refresh-token lifetime.
	refreshFor time.Duration
	now        func() time.Time
}

// NewService returns a Service. revokeFor must cover the longest access
// token lifetime of the user pool, refreshFor its refresh-token lifetime.
func NewService(idp IdentityProvider, revocations Revocations, revokeFor, refreshFor time.Duration) *Service {
	return &Service{idp: idp, revocations: revocations, revokeFor: revokeFor, refreshFor: refreshFor, now: time.Now}
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

// ResetPassword sets a new password with the code ForgotPassword sent, and
// then signs the user out everywhere: people reset a password because they
// fear someone else has it. Errors: WEAK_PASSWORD, decided by the password
// policy before the code is tried, so the answer tells nothing about the
// code; INVALID_CODE, alike for a wrong or expired code and an unknown user
// (it does not tell whether a username exists); TOO_MANY_REQUESTS after too
// many wrong codes in a row (the provider's limit, per username).
func (s *Service) ResetPassword(ctx context.Context, username, code, newPassword string) error {
	switch {
	case !validUsername(username):
		return errUsername
	case !validPassword(newPassword):
		return errPassword
	case code == "" || len(code) > MaxCodeLen:
		return errCode
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
	if err := s.signOutEverywhere(ctx, username, newPassword); err != nil {
		return fmt.Errorf("auth.ResetPassword: %w", err)
	}
	return nil
}

// signOutEverywhere ends every session of username, whose password is
// password: a sign-in proves who they are and yields an access token for
// Cognito's GlobalSignOut (which stops every refresh token), and the user's
// sign-out is recorded after it, so the access tokens of every earlier
// sign-in, that one included, are refused too.
func (s *Service) signOutEverywhere(ctx context.Context, username, password string) error {
	t, err := s.idp.Login(ctx, username, password)
	if err != nil {
		return fmt.Errorf("sign in to sign out: %w", err)
	}
	sess, ok := TokenSession(t.AccessToken)
	if !ok {
		return errors.New("sign in to sign out: the provider answered without a subject")
	}
	if err := s.idp.GlobalSignOut(ctx, t.AccessToken); err != nil && !errors.Is(err, ErrUnsupported) {
		return fmt.Errorf("sign out: %w", err)
	}
	now := s.now()
	return s.revocations.RevokeUser(ctx, sess.Sub, now, now.Add(s.revokeFor))
}

// passwordSymbols are the characters Cognito's password policy counts as
// symbols.
const passwordSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// validPassword reports whether password meets the user pool's policy
// (serverless.yml's PasswordPolicy, Cognito's default): 8 to 256
// characters, with a lowercase and an uppercase letter, a digit and a
// symbol, without leading or trailing spaces.
func validPassword(password string) bool {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen || len(password) > MaxPasswordLen || strings.TrimSpace(password) != password {
		return false
	}
	has := func(in func(r rune) bool) bool { return strings.ContainsFunc(password, in) }
	return has(func(r rune) bool { return 'a' <= r && r <= 'z' }) &&
		has(func(r rune) bool { return 'A' <= r && r <= 'Z' }) &&
		has(func(r rune) bool { return '0' <= r && r <= '9' }) &&
		has(func(r rune) bool { return strings.ContainsRune(passwordSymbols, r) })
}

// Login signs in. A wrong password and an unknown user are the same
// INVALID_CREDENTIALS; a challenge is its own 4xx (NEW_PASSWORD_REQUIRED or
// LOGIN_CHALLENGE), never tokens-less success.
func (s *Service) Login(ctx context.Context, username, password string) (Tokens, error) {
	if !validUsername(username) || password == "" || len(password) > MaxPasswordLen {
		return Tokens{}, ErrNotAuthorized
	}
	// Read before the sign-in starts: a sign-out recorded before this
	// moment must never revoke it (Revocations.SessionStarted).
	started := s.now()
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
	if sess, ok := TokenSession(t.AccessToken); ok && sess.OriginJTI != "" {
		if err := s.revocations.SessionStarted(ctx, sess.OriginJTI, started, started.Add(s.revokeFor)); err != nil {
			return Tokens{}, fmt.Errorf("auth.Login: %w", err)
		}
	}
	return t, nil
}

// ErrInvalidRefresh is the answer to a refresh without a usable refresh
// token.
var ErrInvalidRefresh = apperr.New(apperr.Unauthorized, "INVALID_REFRESH_TOKEN", "The session has expired; log in again.")

// ErrRefreshReused is the answer to a refresh token presented after it was
// rotated out and its grace period ended: a sign that two parties hold the
// session, so the session is revoked. Clients see it as INVALID_REFRESH_TOKEN.
var ErrRefreshReused = apperr.New(apperr.Unauthorized, "INVALID_REFRESH_TOKEN", "The session has expired; log in again.")

// Refresh returns new access and ID tokens for a refresh token, and in
// Tokens.RefreshToken the newest successor it knows: the one the provider
// just issued, or, for a retry inside the grace period (the provider issues
// none), the one an earlier rotation recorded sealed for this token; empty
// when there is none, and the caller keeps what it has.
//
// Reuse detection (RFC 9700, 4.14.2): every rotation is recorded, and a
// rotated-out token the provider refuses, which it does once the grace
// period is over, revokes the whole session it belonged to and answers
// ErrRefreshReused; so do, from then on, the successors' refreshes, as a
// refresh of a revoked session answers ErrInvalidRefresh.
func (s *Service) Refresh(ctx context.Context, username, refreshToken string) (Tokens, error) {
	if !validUsername(username) || refreshToken == "" || len(refreshToken) > MaxTokenLen {
		return Tokens{}, ErrInvalidRefresh
	}
	t, err := s.idp.Refresh(ctx, username, refreshToken)
	switch {
	case errors.Is(err, ErrNotAuthorized), errors.Is(err, ErrInvalidParameter):
		reused, err := s.endReusedSession(ctx, refreshToken)
		if err != nil {
			return Tokens{}, fmt.Errorf("auth.Refresh: %w", err)
		}
		if reused {
			return Tokens{}, ErrRefreshReused
		}
		return Tokens{}, ErrInvalidRefresh
	case err != nil:
		return Tokens{}, fmt.Errorf("auth.Refresh: %w", err)
	case t.AccessToken == "":
		return Tokens{}, fmt.Errorf("auth.Refresh: the provider answered without tokens")
	}
	sess, ok := TokenSession(t.AccessToken)
	if !ok || sess.OriginJTI == "" {
		return t, nil
	}
	revoked, err := s.revocations.IsRevoked(ctx, sess)
	if err != nil {
		return Tokens{}, fmt.Errorf("auth.Refresh: %w", err)
	}
	if revoked {
		if t.RefreshToken != "" {
			_ = s.idp.RevokeToken(ctx, t.RefreshToken) // best effort: the session is refused here anyway
		}
		return Tokens{}, ErrInvalidRefresh
	}
	switch {
	case t.RefreshToken != "" && t.RefreshToken != refreshToken:
		sealed, err := sealSuccessor(refreshToken, t.RefreshToken)
		if err != nil {
			return Tokens{}, fmt.Errorf("auth.Refresh: %w", err)
		}
		if err := s.revocations.RecordRotation(ctx, TokenDigest(refreshToken), Rotation{Session: sess, SealedSuccessor: sealed}, s.now().Add(s.refreshFor)); err != nil {
			return Tokens{}, fmt.Errorf("auth.Refresh: %w", err)
		}
	case t.RefreshToken == "":
		// A retry inside the grace period: the token was rotated already,
		// and the caller may never have seen the successor (a lost answer,
		// a tab closed mid-refresh). Hand it the newest one it can open.
		newest, err := s.newestSuccessor(ctx, refreshToken)
		if err != nil {
			return Tokens{}, fmt.Errorf("auth.Refresh: %w", err)
		}
		if newest != refreshToken {
			t.RefreshToken = newest
		}
	}
	return t, nil
}

// maxRotationChain bounds how many recorded rotations newestSuccessor follows.
const maxRotationChain = 8

// newestSuccessor follows the recorded rotations from token, opening each
// sealed successor with the token before it, and returns the last one it
// reaches (token itself when it was never rotated out).
func (s *Service) newestSuccessor(ctx context.Context, token string) (string, error) {
	for range maxRotationChain {
		r, ok, err := s.revocations.RotatedFrom(ctx, TokenDigest(token))
		if err != nil {
			return "", err
		}
		if !ok || r.SealedSuccessor == "" {
			break
		}
		next, err := openSuccessor(token, r.SealedSuccessor)
		if err != nil {
			break // sealed by something else: keep what we have
		}
		token = next
	}
	return token, nil
}

// endReusedSession revokes the session refreshToken was rotated out of, if
// it was, and reports whether it did; a session already revoked (signed
// out) is not a reuse.
func (s *Service) endReusedSession(ctx context.Context, refreshToken string) (bool, error) {
	r, ok, err := s.revocations.RotatedFrom(ctx, TokenDigest(refreshToken))
	if err != nil || !ok {
		return false, err
	}
	sess := r.Session
	// sess is the successor's: revoked when its session or the user was
	// signed out after the rotation.
	if revoked, err := s.revocations.IsRevoked(ctx, sess); err != nil || revoked {
		return false, err
	}
	return true, s.revocations.RevokeSession(ctx, sess.OriginJTI, s.now().Add(s.revokeFor))
}

// TokenDigest is how a refresh token is recorded: never the token itself.
func TokenDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Logout ends the sessions of the tokens a caller holds: accessToken (from
// the Authorization header) and refreshToken (from the refresh cookie, with
// the username its SECRET_HASH needs). Any of them may be empty, expired,
// revoked or made up. Nothing is recorded for a token the provider does not
// accept, so only a holder of a live token of a session can end it: nobody
// can sign out someone else, and an unauthenticated caller writes nothing.
//
// For a live access token it records the token's own session and the user's
// sign-out (to the microsecond, so a token issued earlier in the same second
// is refused too, but not one of a sign-in that follows), and signs the user
// out of every device. For a live
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
