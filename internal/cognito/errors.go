package cognito

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/eventboard/eventboard/internal/auth"
)

// unsupportedCode is the error code of cognito-local's HTTP 500 answer to an
// operation it lacks (its __type is "CognitoLocal#Unsupported").
const unsupportedCode = "Unsupported"

// mapError translates err, an error of the SDK, into the auth vocabulary and
// wraps it with op. The SDK error stays in the chain, after the auth error,
// so that logs keep Cognito's code, message and request id. An error with no
// counterpart is only wrapped: the caller treats it as internal. nil stays
// nil.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	if sentinel := classify(err); sentinel != nil {
		return fmt.Errorf("%s: %w: %w", op, sentinel, err)
	}
	if errors.Is(err, errOutOfTime) {
		return fmt.Errorf("%s: %w: %w", op, auth.ErrTooManyRequests, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// mapLoginError is mapError for USER_PASSWORD_AUTH, where two more answers
// mean something else: cognito-local reports a wrong password with
// InvalidPasswordException (AWS says NotAuthorizedException), and a user who
// must reset their password is a step this app does not offer.
func mapLoginError(op string, err error) error {
	switch errorCode(err) {
	case "InvalidPasswordException":
		return fmt.Errorf("%s: %w: %w", op, auth.ErrNotAuthorized, err)
	case "PasswordResetRequiredException":
		return fmt.Errorf("%s: %w: %w", op, &auth.ChallengeError{Name: "PASSWORD_RESET_REQUIRED"}, err)
	}
	return mapError(op, err)
}

// mapTokenError is mapError for the operations that take a token: a token
// the server cannot even parse is the caller's bad credential, not a bad
// parameter (cognito-local answers InvalidParameterException where AWS says
// NotAuthorizedException), and RevokeToken's UnsupportedTokenTypeException
// means the token is not a refresh token of this client.
func mapTokenError(op string, err error) error {
	switch errorCode(err) {
	case "InvalidParameterException", "UnsupportedTokenTypeException":
		return fmt.Errorf("%s: %w: %w", op, auth.ErrNotAuthorized, err)
	}
	return mapError(op, err)
}

// sentinels maps Cognito's error codes to the auth errors they stand for.
var sentinels = map[string]error{
	"UsernameExistsException":        auth.ErrUsernameExists,
	"InvalidPasswordException":       auth.ErrInvalidPassword,
	"InvalidParameterException":      auth.ErrInvalidParameter,
	"CodeMismatchException":          auth.ErrCodeMismatch,
	"ExpiredCodeException":           auth.ErrExpiredCode,
	"NotAuthorizedException":         auth.ErrNotAuthorized,
	"UserNotFoundException":          auth.ErrNotAuthorized,
	"UnauthorizedException":          auth.ErrNotAuthorized,
	"UserNotConfirmedException":      auth.ErrUserNotConfirmed,
	"TooManyRequestsException":       auth.ErrTooManyRequests,
	"LimitExceededException":         auth.ErrTooManyRequests,
	"TooManyFailedAttemptsException": auth.ErrTooManyRequests,
	"ThrottlingException":            auth.ErrTooManyRequests,
	unsupportedCode:                  auth.ErrUnsupported,
}

// classify returns the auth error that err, an error of the SDK, stands
// for, or nil when there is none.
func classify(err error) error {
	return sentinels[errorCode(err)]
}

// errorCode returns Cognito's error code in err's chain, or "" when err is
// no answer of the service.
//
// It goes by the code, not by the Go type: the SDK decodes into a
// types.*Exception only the exceptions the operation's model lists, and
// hands any other as a smithy.GenericAPIError with the same code. That
// happens: cognito-local answers InitiateAuth with InvalidPasswordException,
// which InitiateAuth does not list. Both forms are a smithy.APIError.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
