package cognitolocal

import (
	"fmt"
	"net/http"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

type adminUserRequest struct {
	UserPoolId     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// adminUser is the user description of AdminGetUser; AdminCreateUser's
// UserType has the same members, with Attributes for UserAttributes.
type adminUser struct {
	Username             string          `json:"Username"`
	UserAttributes       []attributeType `json:"UserAttributes,omitempty"`
	Attributes           []attributeType `json:"Attributes,omitempty"`
	UserCreateDate       epochSeconds    `json:"UserCreateDate"`
	UserLastModifiedDate epochSeconds    `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

type adminCreateUserRequest struct {
	UserPoolId        string            `json:"UserPoolId"`
	Username          string            `json:"Username"`
	TemporaryPassword string            `json:"TemporaryPassword"`
	UserAttributes    []attributeType   `json:"UserAttributes"`
	MessageAction     string            `json:"MessageAction"`
	ClientMetadata    map[string]string `json:"ClientMetadata"`
}

type adminCreateUserResponse struct {
	User adminUser `json:"User"`
}

// opAdminCreateUser creates a user in FORCE_CHANGE_PASSWORD: their first
// sign-in answers with the NEW_PASSWORD_REQUIRED challenge. Without a
// TemporaryPassword it generates one and mails it, unless MessageAction is
// SUPPRESS.
func opAdminCreateUser(s *Server, _ *http.Request, req *adminCreateUserRequest) (any, error) {
	if err := s.checkPool(req.UserPoolId); err != nil {
		return nil, err
	}
	if err := checkUsername(req.Username); err != nil {
		return nil, err
	}
	attrs, err := userAttributes(req.UserAttributes, true)
	if err != nil {
		return nil, err
	}
	password := req.TemporaryPassword
	generated := password == ""
	if generated {
		if password, err = temporaryPassword(max(20, s.cfg.PasswordPolicy.MinLength)); err != nil {
			return nil, fmt.Errorf("AdminCreateUser: %w", err)
		}
	} else if err := s.cfg.PasswordPolicy.check("temporaryPassword", password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, fmt.Errorf("AdminCreateUser: %w", err)
	}
	now := s.now()
	key := userKey(req.Username)
	u := &user{
		Username:      req.Username,
		Sub:           jwtauth.SubjectFor(key),
		Status:        statusForceChangePassword,
		PasswordHash:  hash,
		Attributes:    attrs,
		Created:       now,
		Modified:      now,
		TempPwExpires: now.Add(temporaryPasswordTTL),
	}
	var msg *Message
	if generated && req.MessageAction != "SUPPRESS" {
		msg = &Message{Username: u.Username, Email: attrs[attrEmail], Code: password, SentAt: now}
	}
	err = s.update(func(st *state) error {
		if _, taken := st.Users[key]; taken {
			return newError(errUsernameExists, "User account already exists")
		}
		st.Users[key] = u
		if msg != nil {
			st.deliver(key, *msg)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if msg != nil {
		s.mail(*msg)
	}
	desc := describe(u)
	desc.Attributes, desc.UserAttributes = desc.UserAttributes, nil
	return adminCreateUserResponse{User: desc}, nil
}

// opAdminConfirmSignUp confirms an unconfirmed user without a code, then runs
// the post confirmation trigger like ConfirmSignUp (callerContext.clientId
// CLIENT_ID_NOT_APPLICABLE). Unlike ConfirmSignUp it leaves email_verified
// alone, as Cognito does.
func opAdminConfirmSignUp(s *Server, r *http.Request, req *adminUserRequest) (any, error) {
	if err := s.checkPool(req.UserPoolId); err != nil {
		return nil, err
	}
	if req.Username == "" {
		return nil, missingParameter("username")
	}
	var event []byte
	err := s.update(func(st *state) error {
		u := st.Users[userKey(req.Username)]
		if u == nil {
			return newError(errUserNotFound, msgUserNotFound)
		}
		if u.Status != statusUnconfirmed {
			return newError(errNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
		}
		u.Status = statusConfirmed
		u.Code = nil
		u.Modified = s.now()
		var err error
		event, err = s.postConfirmationEvent(u, clientIDNotApplicable, req.ClientMetadata)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.runPostConfirmation(r.Context(), event); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// opAdminGetUser describes a user, whatever their status.
func opAdminGetUser(s *Server, _ *http.Request, req *adminUserRequest) (any, error) {
	if err := s.checkPool(req.UserPoolId); err != nil {
		return nil, err
	}
	if req.Username == "" {
		return nil, missingParameter("username")
	}
	u := s.snapshot(req.Username)
	if u == nil {
		return nil, newError(errUserNotFound, msgUserNotFound)
	}
	return describe(u), nil
}

// opAdminDeleteUser deletes a user, their pending code, their mailbox and
// their sign-ins: every token issued to them stops working with this API.
func opAdminDeleteUser(s *Server, _ *http.Request, req *adminUserRequest) (any, error) {
	if err := s.checkPool(req.UserPoolId); err != nil {
		return nil, err
	}
	if req.Username == "" {
		return nil, missingParameter("username")
	}
	key := userKey(req.Username)
	err := s.update(func(st *state) error {
		if st.Users[key] == nil {
			return newError(errUserNotFound, msgUserNotFound)
		}
		delete(st.Users, key)
		delete(st.Mailboxes, key)
		st.revokeSessions(key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func describe(u *user) adminUser {
	return adminUser{
		Username:             u.Username,
		UserAttributes:       attributeList(u),
		UserCreateDate:       epochSeconds(u.Created),
		UserLastModifiedDate: epochSeconds(u.Modified),
		Enabled:              true,
		UserStatus:           u.Status,
	}
}
