// Package cognitotest is the contract a server speaking the Cognito Identity
// Provider API must meet for package cognito: one suite that drives the
// adapter end to end (sign-up, confirmation, sign-in, refresh, revocation,
// sign-out, challenges) and that runs unchanged against every stand-in for
// Cognito: cognito-local (npm) and the local stack's own Cognito.
//
// A server that lacks something declares it in Gaps. The subtest concerned
// then checks that the gap is still what it claims (an operation the
// adapter reports as auth.ErrUnsupported, a check the server does not make)
// and skips with the reason, for that target only.
package cognitotest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/cognito"
)

// Target is a server to run the contract against, with one app client.
//
// The pool must be set up as serverless.yml sets up UserPool and
// UserPoolClient: AWS's default password policy, plain (case-insensitive)
// usernames with a required email attribute, and an app client allowing
// USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH with token revocation.
type Target struct {
	// Client is an SDK client of the server. The suite builds the adapter on
	// it and calls it directly only for what the adapter has no method for
	// (AdminCreateUser).
	Client       *cip.Client
	PoolID       string
	ClientID     string
	ClientSecret string // "" for an app client without a secret
	// Code returns the confirmation code last sent to username.
	Code func(t testing.TB, username string) string
	// Gaps are where the server departs from Cognito.
	Gaps Gaps
}

// Gaps are the ways a server departs from Cognito, each given as the reason
// the subtest that would notice skips; "" means the server behaves as
// Cognito does there.
type Gaps struct {
	// NoResendConfirmationCode: the server lacks the operation; the adapter
	// must answer auth.ErrUnsupported.
	NoResendConfirmationCode string
	// NoGlobalSignOut: the server lacks the operation; the adapter must
	// answer auth.ErrUnsupported.
	NoGlobalSignOut string
	// CaseSensitiveUsernames: usernames differing only in case are
	// different users, although the pool says CaseSensitive false.
	CaseSensitiveUsernames string
	// NoPasswordPolicy: SignUp accepts a password the policy refuses.
	NoPasswordPolicy string
	// NoSecretHashCheck: the server accepts a wrong SECRET_HASH.
	NoSecretHashCheck string
	// EmailUnverifiedAfterConfirm: email_verified stays false after
	// ConfirmSignUp although the pool auto-verifies email.
	EmailUnverifiedAfterConfirm string
	// RevokeKeepsAccessTokens: access tokens issued from a revoked refresh
	// token still work.
	RevokeKeepsAccessTokens string
	// ForgotPasswordRevealsUnknownUsers: ForgotPassword and
	// ConfirmForgotPassword fail with UserNotFoundException for an unknown
	// user, although the app client prevents user existence errors.
	ForgotPasswordRevealsUnknownUsers string
}

// The passwords the suite signs up with: one that AWS's default policy
// (8 characters with upper and lower case, a digit and a symbol) accepts,
// one it refuses.
const (
	strongPassword = "Str0ng!Passw0rd"
	resetPassword  = "R3set!Passw0rd"
	weakPassword   = "weak"
	tempPassword   = "Temp0rary!Pass"
)

// Run runs the contract against target. Usernames are fresh on each run, so
// one pool can serve several runs (with different app clients, say).
func Run(t *testing.T, target Target) {
	t.Helper()
	c, err := cognito.New(target.Client, target.ClientID, target.ClientSecret)
	if err != nil {
		t.Fatalf("cognito.New: %v", err)
	}
	s := &suite{target: target, c: c, prefix: "u" + randomHex(t, 6)}
	s.run(t)
}

type suite struct {
	target Target
	c      *cognito.Client
	prefix string // of every username this run signs up
}

func (s *suite) user(name string) (username, email string) {
	username = s.prefix + "-" + name
	return username, username + "@example.com"
}

// run is the contract. Steps depend on the ones before; a failing step that
// later ones need ends the run.
func (s *suite) run(t *testing.T) {
	user, email := s.user("alice")
	var sub string
	var first, second auth.Tokens
	must := func(ok bool) {
		if !ok {
			t.FailNow()
		}
	}

	must(t.Run("SignUp", func(t *testing.T) {
		var err error
		sub, err = s.c.SignUp(t.Context(), user, email, strongPassword)
		if err != nil {
			t.Fatalf("SignUp: %v", err)
		}
		if sub == "" {
			t.Fatal("SignUp returned an empty sub")
		}
	}))

	t.Run("SignUpTaken", func(t *testing.T) {
		_, err := s.c.SignUp(t.Context(), user, "other-"+email, strongPassword)
		wantErr(t, "SignUp of a taken username", err, auth.ErrUsernameExists)
	})

	t.Run("SignUpTakenOtherCase", func(t *testing.T) {
		_, err := s.c.SignUp(t.Context(), strings.ToUpper(user), "upper-"+email, strongPassword)
		if gap := s.target.Gaps.CaseSensitiveUsernames; gap != "" {
			if err != nil {
				t.Fatalf("the gap is gone: SignUp of a taken username in other case = %v, want success", err)
			}
			t.Skip(gap)
		}
		wantErr(t, "SignUp of a taken username in other case", err, auth.ErrUsernameExists)
	})

	t.Run("SignUpWeakPassword", func(t *testing.T) {
		weakUser, weakEmail := s.user("weak")
		_, err := s.c.SignUp(t.Context(), weakUser, weakEmail, weakPassword)
		if gap := s.target.Gaps.NoPasswordPolicy; gap != "" {
			if err != nil {
				t.Fatalf("the gap is gone: SignUp with a weak password = %v, want success", err)
			}
			t.Skip(gap)
		}
		wantErr(t, "SignUp with a weak password", err, auth.ErrInvalidPassword)
	})

	t.Run("LoginUnconfirmed", func(t *testing.T) {
		_, err := s.c.Login(t.Context(), user, strongPassword)
		wantErr(t, "Login before confirming", err, auth.ErrUserNotConfirmed)
	})

	t.Run("ConfirmWrongCode", func(t *testing.T) {
		code := s.target.Code(t, user)
		err := s.c.ConfirmSignUp(t.Context(), user, otherCode(code))
		wantErr(t, "ConfirmSignUp with a wrong code", err, auth.ErrCodeMismatch)
	})

	t.Run("ResendConfirmationCode", func(t *testing.T) {
		err := s.c.ResendConfirmationCode(t.Context(), user)
		if gap := s.target.Gaps.NoResendConfirmationCode; gap != "" {
			wantErr(t, "ResendConfirmationCode", err, auth.ErrUnsupported)
			t.Skip(gap)
		}
		if err != nil {
			t.Fatalf("ResendConfirmationCode: %v", err)
		}
		if code := s.target.Code(t, user); code == "" {
			t.Error("no code after ResendConfirmationCode")
		}
	})

	must(t.Run("ConfirmSignUp", func(t *testing.T) {
		if err := s.c.ConfirmSignUp(t.Context(), user, s.target.Code(t, user)); err != nil {
			t.Fatalf("ConfirmSignUp: %v", err)
		}
	}))

	t.Run("LoginRefusals", func(t *testing.T) {
		_, wrongPassword := s.c.Login(t.Context(), user, strongPassword+"x")
		wantErr(t, "Login with a wrong password", wrongPassword, auth.ErrNotAuthorized)
		nobody, _ := s.user("nobody")
		_, unknownUser := s.c.Login(t.Context(), nobody, strongPassword)
		wantErr(t, "Login of an unknown user", unknownUser, auth.ErrNotAuthorized)
		// No user enumeration: a client sees the same answer for both.
		if a, b := apperr.From(wrongPassword), apperr.From(unknownUser); a != b {
			t.Errorf("wrong password answers %v, unknown user %v", a, b)
		}
	})

	must(t.Run("Login", func(t *testing.T) {
		var err error
		if first, err = s.c.Login(t.Context(), user, strongPassword); err != nil {
			t.Fatalf("Login: %v", err)
		}
		s.checkTokens(t, first, user, sub, email)
		if first.RefreshToken == "" {
			t.Error("Login returned no refresh token")
		}
	}))

	t.Run("GetUser", func(t *testing.T) {
		u, err := s.c.GetUser(t.Context(), first.AccessToken)
		if err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		if u.Username != user || u.Sub != sub || u.Email != email {
			t.Errorf("GetUser = %+v, want username %q, sub %q, email %q", u, user, sub, email)
		}
		t.Run("EmailVerified", func(t *testing.T) {
			if gap := s.target.Gaps.EmailUnverifiedAfterConfirm; gap != "" {
				if u.EmailVerified {
					t.Fatal("the gap is gone: email_verified is true after ConfirmSignUp")
				}
				t.Skip(gap)
			}
			if !u.EmailVerified {
				t.Error("email_verified is false after ConfirmSignUp")
			}
		})
	})

	t.Run("GetUserBadToken", func(t *testing.T) {
		_, err := s.c.GetUser(t.Context(), "not-a-token")
		wantErr(t, "GetUser with a malformed token", err, auth.ErrNotAuthorized)
	})

	t.Run("Refresh", func(t *testing.T) {
		got, err := s.c.Refresh(t.Context(), user, first.RefreshToken)
		if err != nil {
			t.Fatalf("Refresh: %v", err)
		}
		s.checkTokens(t, got, user, sub, email)
		if got.AccessToken == first.AccessToken {
			t.Error("Refresh returned the same access token")
		}
	})

	t.Run("RevokeToken", func(t *testing.T) {
		var err error
		if second, err = s.c.Login(t.Context(), user, strongPassword); err != nil {
			t.Fatalf("second Login: %v", err)
		}
		if err := s.c.RevokeToken(t.Context(), second.RefreshToken); err != nil {
			t.Fatalf("RevokeToken: %v", err)
		}
		_, err = s.c.Refresh(t.Context(), user, second.RefreshToken)
		wantErr(t, "Refresh with a revoked token", err, auth.ErrNotAuthorized)
		// Revocation is per token: the first session lives on.
		if _, err := s.c.Refresh(t.Context(), user, first.RefreshToken); err != nil {
			t.Errorf("Refresh of another session after RevokeToken: %v", err)
		}
		t.Run("AccessTokenRefused", func(t *testing.T) {
			_, err := s.c.GetUser(t.Context(), second.AccessToken)
			if gap := s.target.Gaps.RevokeKeepsAccessTokens; gap != "" {
				if err != nil {
					t.Fatalf("the gap is gone: GetUser with an access token of a revoked session = %v", err)
				}
				t.Skip(gap)
			}
			wantErr(t, "GetUser with an access token of a revoked session", err, auth.ErrNotAuthorized)
		})
	})

	t.Run("GlobalSignOut", func(t *testing.T) {
		err := s.c.GlobalSignOut(t.Context(), first.AccessToken)
		if gap := s.target.Gaps.NoGlobalSignOut; gap != "" {
			wantErr(t, "GlobalSignOut", err, auth.ErrUnsupported)
			t.Skip(gap)
		}
		if err != nil {
			t.Fatalf("GlobalSignOut: %v", err)
		}
		_, err = s.c.GetUser(t.Context(), first.AccessToken)
		wantErr(t, "GetUser after GlobalSignOut", err, auth.ErrNotAuthorized)
		_, err = s.c.Refresh(t.Context(), user, first.RefreshToken)
		wantErr(t, "Refresh after GlobalSignOut", err, auth.ErrNotAuthorized)
	})

	t.Run("NewPasswordRequired", func(t *testing.T) {
		invited, invitedEmail := s.user("invited")
		_, err := s.target.Client.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
			UserPoolId:        aws.String(s.target.PoolID),
			Username:          aws.String(invited),
			TemporaryPassword: aws.String(tempPassword),
			MessageAction:     types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{
				{Name: aws.String("email"), Value: aws.String(invitedEmail)},
			},
		})
		if err != nil {
			t.Fatalf("AdminCreateUser: %v", err)
		}
		_, err = s.c.Login(t.Context(), invited, tempPassword)
		var ce *auth.ChallengeError
		if !errors.As(err, &ce) || ce.Name != string(types.ChallengeNameTypeNewPasswordRequired) {
			t.Fatalf("Login in FORCE_CHANGE_PASSWORD = %v, want a NEW_PASSWORD_REQUIRED challenge", err)
		}
		if !errors.Is(err, auth.ErrChallenge) {
			t.Errorf("Login error %v is not ErrChallenge", err)
		}
	})

	t.Run("ForgotPassword", func(t *testing.T) {
		forgetful, forgetfulEmail := s.user("forgetful")
		if _, err := s.c.SignUp(t.Context(), forgetful, forgetfulEmail, strongPassword); err != nil {
			t.Fatalf("SignUp: %v", err)
		}
		if err := s.c.ConfirmSignUp(t.Context(), forgetful, s.target.Code(t, forgetful)); err != nil {
			t.Fatalf("ConfirmSignUp: %v", err)
		}
		if err := s.c.ForgotPassword(t.Context(), forgetful); err != nil {
			t.Fatalf("ForgotPassword: %v", err)
		}
		code := s.target.Code(t, forgetful)
		err := s.c.ConfirmForgotPassword(t.Context(), forgetful, otherCode(code), resetPassword)
		wantErr(t, "ConfirmForgotPassword with a wrong code", err, auth.ErrCodeMismatch)
		// Without a policy the weak password would be set: only ask where
		// the server checks it.
		if s.target.Gaps.NoPasswordPolicy == "" {
			err := s.c.ConfirmForgotPassword(t.Context(), forgetful, code, weakPassword)
			wantErr(t, "ConfirmForgotPassword with a weak password", err, auth.ErrInvalidPassword)
		}
		if err := s.c.ConfirmForgotPassword(t.Context(), forgetful, code, resetPassword); err != nil {
			t.Fatalf("ConfirmForgotPassword: %v", err)
		}
		_, err = s.c.Login(t.Context(), forgetful, strongPassword)
		wantErr(t, "Login with the password before the reset", err, auth.ErrNotAuthorized)
		if _, err := s.c.Login(t.Context(), forgetful, resetPassword); err != nil {
			t.Errorf("Login with the new password: %v", err)
		}

		t.Run("UnknownUser", func(t *testing.T) {
			nobody, _ := s.user("nobody")
			forgot := s.c.ForgotPassword(t.Context(), nobody)
			reset := s.c.ConfirmForgotPassword(t.Context(), nobody, "123456", resetPassword)
			if gap := s.target.Gaps.ForgotPasswordRevealsUnknownUsers; gap != "" {
				wantErr(t, "ForgotPassword of an unknown user", forgot, auth.ErrNotAuthorized)
				wantErr(t, "ConfirmForgotPassword of an unknown user", reset, auth.ErrNotAuthorized)
				t.Skip(gap)
			}
			if forgot != nil {
				t.Errorf("ForgotPassword of an unknown user = %v, want success (no enumeration)", forgot)
			}
			wantErr(t, "ConfirmForgotPassword of an unknown user", reset, auth.ErrCodeMismatch)
		})
	})

	if s.target.ClientSecret != "" {
		t.Run("WrongSecret", func(t *testing.T) {
			wrong, err := cognito.New(s.target.Client, s.target.ClientID, s.target.ClientSecret+"x")
			if err != nil {
				t.Fatal(err)
			}
			_, err = wrong.Login(t.Context(), user, strongPassword)
			if gap := s.target.Gaps.NoSecretHashCheck; gap != "" {
				if err != nil {
					t.Fatalf("the gap is gone: Login with a wrong secret hash = %v, want success", err)
				}
				t.Skip(gap)
			}
			wantErr(t, "Login with a wrong secret hash", err, auth.ErrNotAuthorized)
		})
	}
}

// checkTokens checks the shape of what a sign-in or refresh returned: a
// Cognito access token for this app client and user, an ID token for them,
// and a positive lifetime.
func (s *suite) checkTokens(t *testing.T, got auth.Tokens, user, sub, email string) {
	t.Helper()
	access := claims(t, got.AccessToken)
	for k, want := range map[string]string{"token_use": "access", "client_id": s.target.ClientID, "sub": sub, "username": user} {
		if access[k] != want {
			t.Errorf("access token %s = %v, want %q", k, access[k], want)
		}
	}
	id := claims(t, got.IDToken)
	for k, want := range map[string]string{"token_use": "id", "aud": s.target.ClientID, "sub": sub, "email": email, "cognito:username": user} {
		if id[k] != want {
			t.Errorf("ID token %s = %v, want %q", k, id[k], want)
		}
	}
	if got.ExpiresIn <= 0 {
		t.Errorf("ExpiresIn = %d, want > 0", got.ExpiresIn)
	}
}

// claims decodes the payload of the JWT token, unverified: the suite checks
// shapes, and the API's authorizer has its own tests for signatures.
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %.20q… is not a JWT", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("token payload: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatalf("token payload: %v", err)
	}
	return c
}

// wantErr fails t unless err is target (by errors.Is).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s = %v, want %v", what, err, target)
	}
}

// otherCode returns a confirmation code that is not code.
func otherCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
