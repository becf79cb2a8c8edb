// Package auth is the identity domain: sign-up, confirmation, sign-in,
// refresh and sign-out, over an identity provider (Cognito on AWS, its local
// emulation in the local stack), and the rules the API keeps on top of it:
// no user enumeration, one error vocabulary, revocation that takes effect at
// once.
//
// It imports nothing from AWS or HTTP. The provider is behind
// IdentityProvider, implemented by package cognito.
package auth

import (
	"context"

	"github.com/eventboard/eventboard/internal/apperr"
)

// Tokens are what a sign-in or a refresh yields.
type Tokens struct {
	AccessToken  string
	IDToken      string
	RefreshToken string // on refresh: the rotated one, or empty when there is none
	ExpiresIn    int    // seconds the access token is valid
}

// User is a user as the identity provider describes them.
type User struct {
	Username      string
	Sub           string
	Email         string
	EmailVerified bool
}

// IdentityProvider is the part of a Cognito user pool the app uses. Every
// method returns either nil or an error from the list below (wrapped with
// the operation), so callers can decide with errors.Is:
//
//	ErrUsernameExists, ErrInvalidPassword, ErrInvalidParameter,
//	ErrCodeMismatch, ErrExpiredCode, ErrNotAuthorized, ErrUserNotConfirmed,
//	ErrTooManyRequests, ErrChallenge (Login only, as *ChallengeError),
//	ErrUnsupported (an emulator without the operation),
//	or any other error: a fault of the provider or the network.
type IdentityProvider interface {
	// SignUp registers username with email and password; the user must
	// confirm with the code sent to email. It returns the new user's sub.
	SignUp(ctx context.Context, username, email, password string) (sub string, err error)
	// ConfirmSignUp confirms username with code.
	ConfirmSignUp(ctx context.Context, username, code string) error
	// ResendConfirmationCode sends a new code to an unconfirmed user.
	ResendConfirmationCode(ctx context.Context, username string) error
	// Login signs in with USER_PASSWORD_AUTH.
	Login(ctx context.Context, username, password string) (Tokens, error)
	// Refresh signs in with REFRESH_TOKEN_AUTH. username is needed for the
	// SECRET_HASH when the app client has a secret.
	Refresh(ctx context.Context, username, refreshToken string) (Tokens, error)
	// GetUser describes the user an access token belongs to.
	GetUser(ctx context.Context, accessToken string) (User, error)
	// GlobalSignOut signs the user out of every device: their refresh
	// tokens stop working.
	GlobalSignOut(ctx context.Context, accessToken string) error
	// RevokeToken revokes a refresh token and the tokens issued from it.
	RevokeToken(ctx context.Context, refreshToken string) error
	// ForgotPassword sends a confirmed user a code to reset their password
	// with. For an unknown user it may succeed without sending anything
	// (Cognito's PreventUserExistenceErrors) or fail with ErrNotAuthorized.
	ForgotPassword(ctx context.Context, username string) error
	// ConfirmForgotPassword sets username's password to newPassword when
	// code is the one ForgotPassword sent.
	ConfirmForgotPassword(ctx context.Context, username, code, newPassword string) error
}

// Errors an IdentityProvider returns. Their kinds and codes are what the
// API answers when the service passes them on; the service decides which
// ones it passes on (to avoid revealing whether a user exists).
var (
	ErrUsernameExists   = apperr.New(apperr.Conflict, "USERNAME_EXISTS", "That username is taken.")
	ErrInvalidPassword  = apperr.New(apperr.Invalid, "WEAK_PASSWORD", "The password does not meet the password policy.")
	ErrInvalidParameter = apperr.New(apperr.Invalid, "INVALID_PARAMETER", "A value is not acceptable.")
	ErrCodeMismatch     = apperr.New(apperr.Invalid, "INVALID_CODE", "The confirmation code is wrong or has expired.")
	ErrExpiredCode      = apperr.New(apperr.Invalid, "INVALID_CODE", "The confirmation code is wrong or has expired.")
	ErrNotAuthorized    = apperr.New(apperr.Unauthorized, "INVALID_CREDENTIALS", "The username or password is incorrect.")
	ErrUserNotConfirmed = apperr.New(apperr.Forbidden, "USER_NOT_CONFIRMED", "Confirm your e-mail address before you log in.")
	ErrTooManyRequests  = apperr.New(apperr.TooManyRequests, "TOO_MANY_REQUESTS", "Too many attempts; wait a little and try again.")
	ErrChallenge        = apperr.New(apperr.Forbidden, "LOGIN_CHALLENGE", "The sign-in needs a step this app does not support.")
	ErrUnsupported      = apperr.New(apperr.Internal, "INTERNAL", apperr.InternalMessage)
)

// ChallengeError is the error of a Login that Cognito answered with a
// challenge (NEW_PASSWORD_REQUIRED, SMS_MFA, …) instead of tokens.
type ChallengeError struct {
	Name string // Cognito's ChallengeName
}

// Error implements error.
func (e *ChallengeError) Error() string { return "auth: login challenge " + e.Name }

// Unwrap makes errors.Is(err, ErrChallenge) true.
func (e *ChallengeError) Unwrap() error { return ErrChallenge }
