package cognitolocal

import (
	"crypto/subtle"
	"fmt"
	"net/http"
)

type forgotPasswordRequest struct {
	ClientId       string            `json:"ClientId"`
	SecretHash     string            `json:"SecretHash"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

type forgotPasswordResponse struct {
	CodeDeliveryDetails codeDeliveryDetails `json:"CodeDeliveryDetails"`
}

// opForgotPassword sends a confirmed user a code to reset their password
// with; a new code replaces the one before. For an unknown user it answers
// as if it had sent one, to a simulated destination; a user who is not
// confirmed gets InvalidParameterException, as Cognito answers a user
// without a verified e-mail address.
func opForgotPassword(s *Server, _ *http.Request, req *forgotPasswordRequest) (any, error) {
	d, err := s.sendCode("ForgotPassword", req.ClientId, req.SecretHash, req.Username, func(u *user, c *code) error {
		if u.Status != statusConfirmed || u.Attributes[attrEmailVerified] != "true" {
			return newError(errInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		u.ResetCode = &code{Value: c.Value, Expires: s.now().Add(s.cfg.ResetCodeTTL)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return forgotPasswordResponse{d}, nil
}

type confirmForgotPasswordRequest struct {
	ClientId         string            `json:"ClientId"`
	SecretHash       string            `json:"SecretHash"`
	Username         string            `json:"Username"`
	ConfirmationCode string            `json:"ConfirmationCode"`
	Password         string            `json:"Password"`
	ClientMetadata   map[string]string `json:"ClientMetadata"`
}

// opConfirmForgotPassword sets a new password with the code ForgotPassword
// sent; the code is then used up. An unknown user fails like a wrong code,
// CodeMismatchException; an expired code is ExpiredCodeException; a
// password the policy refuses is InvalidPasswordException, checked only
// once the code is right. Wrong codes in a row are limited per username,
// known or not, as Cognito limits them: from the fifth, the next attempt must
// wait (LimitExceededException, without the code being checked), 1 s and
// doubling. The user's sessions live on, as on Cognito; the app signs them
// out.
func opConfirmForgotPassword(s *Server, _ *http.Request, req *confirmForgotPasswordRequest) (any, error) {
	if err := s.checkClient(req.ClientId); err != nil {
		return nil, err
	}
	switch {
	case req.Username == "":
		return nil, missingParameter("username")
	case req.ConfirmationCode == "":
		return nil, missingParameter("confirmationCode")
	case req.Password == "":
		return nil, missingParameter("password")
	}
	key := userKey(req.Username)
	if s.resetFailures.locked(key, s.now()) {
		return nil, newError(errLimitExceeded, msgAttemptLimitExceeded)
	}
	hash, err := hashPassword(req.Password)
	if err != nil {
		return nil, fmt.Errorf("ConfirmForgotPassword: %w", err)
	}
	err = s.update(func(st *state) error {
		u := st.Users[key]
		stored := ""
		if u != nil {
			stored = u.Username
		}
		if err := s.checkSecretHash(req.SecretHash, req.Username, stored); err != nil {
			return err
		}
		if u == nil || u.ResetCode == nil || subtle.ConstantTimeCompare([]byte(u.ResetCode.Value), []byte(req.ConfirmationCode)) != 1 {
			return newError(errCodeMismatch, msgCodeMismatch)
		}
		if s.now().After(u.ResetCode.Expires) {
			return newError(errExpiredCode, msgExpiredCode)
		}
		if err := s.cfg.PasswordPolicy.check("password", req.Password); err != nil {
			return err
		}
		u.PasswordHash = hash
		u.ResetCode = nil
		u.Modified = s.now()
		return nil
	})
	if e, ok := err.(*apiError); ok && (e.Type == errCodeMismatch || e.Type == errExpiredCode) {
		s.resetFailures.fail(key, s.now())
	}
	if err != nil {
		return nil, err
	}
	s.resetFailures.succeed(key)
	return struct{}{}, nil
}
