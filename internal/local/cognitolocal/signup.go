package cognitolocal

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"sort"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

type signUpRequest struct {
	ClientId       string            `json:"ClientId"`
	SecretHash     string            `json:"SecretHash"`
	Username       string            `json:"Username"`
	Password       string            `json:"Password"`
	UserAttributes []attributeType   `json:"UserAttributes"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

type signUpResponse struct {
	UserConfirmed       bool                `json:"UserConfirmed"`
	UserSub             string              `json:"UserSub"`
	CodeDeliveryDetails codeDeliveryDetails `json:"CodeDeliveryDetails"`
}

// opSignUp registers an unconfirmed user and sends them a confirmation code.
func opSignUp(s *Server, _ *http.Request, req *signUpRequest) (any, error) {
	if err := s.checkClient(req.ClientId); err != nil {
		return nil, err
	}
	if err := checkUsername(req.Username); err != nil {
		return nil, err
	}
	if err := s.checkSecretHash(req.SecretHash, req.Username); err != nil {
		return nil, err
	}
	if err := s.cfg.PasswordPolicy.check("password", req.Password); err != nil {
		return nil, err
	}
	attrs, err := userAttributes(req.UserAttributes, false)
	if err != nil {
		return nil, err
	}
	hash, err := hashPassword(req.Password)
	if err != nil {
		return nil, fmt.Errorf("SignUp: %w", err)
	}
	c, err := s.newCode()
	if err != nil {
		return nil, fmt.Errorf("SignUp: %w", err)
	}
	now := s.now()
	key := userKey(req.Username)
	u := &user{
		Username:     req.Username,
		Sub:          jwtauth.SubjectFor(key),
		Status:       statusUnconfirmed,
		PasswordHash: hash,
		Attributes:   attrs,
		Code:         c,
		Created:      now,
		Modified:     now,
	}
	msg := Message{Username: u.Username, Email: attrs[attrEmail], Code: c.Value, SentAt: now}
	err = s.update(func(st *state) error {
		if _, taken := st.Users[key]; taken {
			return newError(errUsernameExists, "User already exists")
		}
		st.Users[key] = u
		st.deliver(key, msg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.mail(msg)
	return signUpResponse{
		UserConfirmed:       false,
		UserSub:             u.Sub,
		CodeDeliveryDetails: emailDelivery(maskEmail(msg.Email)),
	}, nil
}

type confirmSignUpRequest struct {
	ClientId           string            `json:"ClientId"`
	SecretHash         string            `json:"SecretHash"`
	Username           string            `json:"Username"`
	ConfirmationCode   string            `json:"ConfirmationCode"`
	ForceAliasCreation bool              `json:"ForceAliasCreation"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
}

// opConfirmSignUp confirms an unconfirmed user with their code, marks their
// e-mail address verified (the pool verifies e-mail automatically), and then
// runs the post confirmation trigger. A failed trigger fails the call but
// does not undo the confirmation; see the package documentation.
func opConfirmSignUp(s *Server, r *http.Request, req *confirmSignUpRequest) (any, error) {
	if err := s.checkClient(req.ClientId); err != nil {
		return nil, err
	}
	if req.Username == "" {
		return nil, missingParameter("username")
	}
	if req.ConfirmationCode == "" {
		return nil, missingParameter("confirmationCode")
	}
	key := userKey(req.Username)
	if s.codeFailures.locked(key, s.now()) {
		return nil, newError(errLimitExceeded, msgAttemptLimitExceeded)
	}
	var event []byte
	err := s.update(func(st *state) error {
		u := st.Users[key]
		stored := ""
		if u != nil {
			stored = u.Username
		}
		if err := s.checkSecretHash(req.SecretHash, req.Username, stored); err != nil {
			return err
		}
		if u == nil {
			return newError(errCodeMismatch, msgCodeMismatch)
		}
		if u.Status != statusUnconfirmed {
			return newError(errNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
		}
		if u.Code == nil || subtle.ConstantTimeCompare([]byte(u.Code.Value), []byte(req.ConfirmationCode)) != 1 {
			return newError(errCodeMismatch, msgCodeMismatch)
		}
		if s.now().After(u.Code.Expires) {
			return newError(errExpiredCode, msgExpiredCode)
		}
		u.Status = statusConfirmed
		u.Attributes[attrEmailVerified] = "true"
		u.Code = nil
		u.Modified = s.now()
		var err error
		event, err = s.postConfirmationEvent(u, s.cfg.ClientID, req.ClientMetadata)
		return err
	})
	if e, ok := err.(*apiError); ok && e.Type == errCodeMismatch {
		s.codeFailures.fail(key, s.now())
	}
	if err != nil {
		return nil, err
	}
	s.codeFailures.succeed(key)
	if err := s.runPostConfirmation(r.Context(), event); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

type resendConfirmationCodeRequest struct {
	ClientId       string            `json:"ClientId"`
	SecretHash     string            `json:"SecretHash"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

type resendConfirmationCodeResponse struct {
	CodeDeliveryDetails codeDeliveryDetails `json:"CodeDeliveryDetails"`
}

// opResendConfirmationCode sends an unconfirmed user a new code, which
// replaces the old one. For a user that does not exist it answers as if it
// had sent one, to a simulated destination.
func opResendConfirmationCode(s *Server, _ *http.Request, req *resendConfirmationCodeRequest) (any, error) {
	d, err := s.sendCode("ResendConfirmationCode", req.ClientId, req.SecretHash, req.Username, func(u *user, c *code) error {
		if u.Status != statusUnconfirmed {
			return newError(errInvalidParameter, "User is already confirmed.")
		}
		u.Code = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resendConfirmationCodeResponse{d}, nil
}

// sendCode mails a fresh code to username after grant accepts the user and
// records the code on it. The client, the username and the secret hash are
// checked first; for a user that does not exist it answers as if it had
// sent one, to a simulated destination, so callers cannot tell the two
// apart. Every code goes through the bounded mailbox.
func (s *Server) sendCode(op, clientID, secretHash, username string, grant func(*user, *code) error) (codeDeliveryDetails, error) {
	if err := s.checkClient(clientID); err != nil {
		return codeDeliveryDetails{}, err
	}
	if err := checkUsername(username); err != nil {
		return codeDeliveryDetails{}, err
	}
	c, err := s.newCode()
	if err != nil {
		return codeDeliveryDetails{}, fmt.Errorf("%s: %w", op, err)
	}
	var msg *Message
	err = s.update(func(st *state) error {
		key := userKey(username)
		u := st.Users[key]
		stored := ""
		if u != nil {
			stored = u.Username
		}
		if err := s.checkSecretHash(secretHash, username, stored); err != nil {
			return err
		}
		if u == nil {
			return errUnchanged
		}
		if err := grant(u, c); err != nil {
			return err
		}
		u.Modified = s.now()
		msg = &Message{Username: u.Username, Email: u.Attributes[attrEmail], Code: c.Value, SentAt: s.now()}
		st.deliver(key, *msg)
		return nil
	})
	if err != nil {
		return codeDeliveryDetails{}, err
	}
	if msg == nil {
		return emailDelivery(decoyDestination(username)), nil
	}
	s.mail(*msg)
	return emailDelivery(maskEmail(msg.Email)), nil
}

func emailDelivery(destination string) codeDeliveryDetails {
	return codeDeliveryDetails{AttributeName: attrEmail, DeliveryMedium: "EMAIL", Destination: destination}
}

// newCode returns a fresh 6-digit confirmation code.
func (s *Server) newCode() (*code, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return nil, err
	}
	return &code{Value: fmt.Sprintf("%06d", n.Int64()), Expires: s.now().Add(s.cfg.CodeTTL)}, nil
}

func (s *Server) mail(m Message) {
	if s.cfg.Mail != nil {
		s.cfg.Mail(m)
	}
}

// update changes the state under the store's lock and saves it. An error
// from f is returned as it is; a failure to save becomes an internal error.
func (s *Server) update(f func(*state) error) error {
	keep := max(s.cfg.AccessTokenTTL, s.cfg.IDTokenTTL)
	return s.store.update(s.now(), keep, f)
}

// attributeList renders a user's attributes as Cognito lists them: sub first,
// then the others by name.
func attributeList(u *user) []attributeType {
	names := make([]string, 0, len(u.Attributes))
	for name := range u.Attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]attributeType, 0, len(names)+1)
	out = append(out, attributeType{Name: attrSub, Value: u.Sub})
	for _, name := range names {
		out = append(out, attributeType{Name: name, Value: u.Attributes[name]})
	}
	return slices.Clip(out)
}
