// Package cognito adapts an Amazon Cognito user pool app client, through
// aws-sdk-go-v2's cognitoidentityprovider, to auth.IdentityProvider.
//
// It speaks the public (unauthenticated) part of the Cognito Identity
// Provider API: SignUp, ConfirmSignUp, ResendConfirmationCode, InitiateAuth
// (USER_PASSWORD_AUTH, and REFRESH_TOKEN_AUTH where GetTokensFromRefreshToken
// is missing), GetTokensFromRefreshToken, GetUser, GlobalSignOut,
// RevokeToken, ForgotPassword and ConfirmForgotPassword. When the app client has a secret, every call carries the
// SECRET_HASH (or ClientSecret) Cognito requires. Cognito's exceptions are
// translated into the errors package auth declares; see docs/cognito.md for
// where cognito-local and the local stack's Cognito differ from AWS and how
// the adapter copes.
package cognito

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/correlation"
)

// API is the part of *cognitoidentityprovider.Client the adapter calls.
type API interface {
	SignUp(ctx context.Context, in *cip.SignUpInput, optFns ...func(*cip.Options)) (*cip.SignUpOutput, error)
	ConfirmSignUp(ctx context.Context, in *cip.ConfirmSignUpInput, optFns ...func(*cip.Options)) (*cip.ConfirmSignUpOutput, error)
	ResendConfirmationCode(ctx context.Context, in *cip.ResendConfirmationCodeInput, optFns ...func(*cip.Options)) (*cip.ResendConfirmationCodeOutput, error)
	InitiateAuth(ctx context.Context, in *cip.InitiateAuthInput, optFns ...func(*cip.Options)) (*cip.InitiateAuthOutput, error)
	GetTokensFromRefreshToken(ctx context.Context, in *cip.GetTokensFromRefreshTokenInput, optFns ...func(*cip.Options)) (*cip.GetTokensFromRefreshTokenOutput, error)
	GetUser(ctx context.Context, in *cip.GetUserInput, optFns ...func(*cip.Options)) (*cip.GetUserOutput, error)
	GlobalSignOut(ctx context.Context, in *cip.GlobalSignOutInput, optFns ...func(*cip.Options)) (*cip.GlobalSignOutOutput, error)
	RevokeToken(ctx context.Context, in *cip.RevokeTokenInput, optFns ...func(*cip.Options)) (*cip.RevokeTokenOutput, error)
	ForgotPassword(ctx context.Context, in *cip.ForgotPasswordInput, optFns ...func(*cip.Options)) (*cip.ForgotPasswordOutput, error)
	ConfirmForgotPassword(ctx context.Context, in *cip.ConfirmForgotPasswordInput, optFns ...func(*cip.Options)) (*cip.ConfirmForgotPasswordOutput, error)
}

var (
	_ API                   = (*cip.Client)(nil)
	_ auth.IdentityProvider = (*Client)(nil)
)

// Client is an auth.IdentityProvider backed by one Cognito app client. It is
// immutable and safe for concurrent use.
type Client struct {
	api      API
	clientID string
	secret   string
}

// New returns a Client for the app client clientID, calling api.
// clientSecret is the app client's secret, or "" when it has none. New
// returns an error if api is nil or clientID is empty.
func New(api API, clientID, clientSecret string) (*Client, error) {
	if api == nil {
		return nil, errors.New("cognito.New: nil API")
	}
	if clientID == "" {
		return nil, errors.New("cognito.New: empty client ID")
	}
	return &Client{api: api, clientID: clientID, secret: clientSecret}, nil
}

// SecretHash is Cognito's SECRET_HASH for username on the app client
// clientID with secret clientSecret: Base64(HMAC-SHA256(key=clientSecret,
// message=username+clientID)).
func SecretHash(clientSecret, username, clientID string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// secretHash is the SecretHash for username, or nil when the app client has
// no secret (Cognito refuses a SecretHash it does not expect).
func (c *Client) secretHash(username string) *string {
	if c.secret == "" {
		return nil
	}
	return aws.String(SecretHash(c.secret, username, c.clientID))
}

// SignUp implements auth.IdentityProvider. It registers username with the
// email attribute and returns the sub Cognito assigned. Errors:
// ErrUsernameExists, ErrInvalidPassword (the pool's password policy),
// ErrInvalidParameter, ErrTooManyRequests.
func (c *Client) SignUp(ctx context.Context, username, email, password string) (string, error) {
	out, err := c.api.SignUp(ctx, &cip.SignUpInput{
		ClientId:       aws.String(c.clientID),
		Username:       aws.String(username),
		Password:       aws.String(password),
		SecretHash:     c.secretHash(username),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}},
	})
	if err != nil {
		return "", mapError("cognito.SignUp", err)
	}
	if sub := aws.ToString(out.UserSub); sub != "" {
		return sub, nil
	}
	return "", errors.New("cognito.SignUp: answer without UserSub")
}

// ConfirmSignUp implements auth.IdentityProvider. Errors: ErrCodeMismatch,
// ErrExpiredCode, ErrNotAuthorized (among others an unknown user, or one
// already confirmed), ErrTooManyRequests. The request's correlation id goes
// to the post-confirmation trigger as client metadata ("correlationId").
func (c *Client) ConfirmSignUp(ctx context.Context, username, code string) error {
	in := &cip.ConfirmSignUpInput{
		ClientId:         aws.String(c.clientID),
		Username:         aws.String(username),
		ConfirmationCode: aws.String(code),
		SecretHash:       c.secretHash(username),
	}
	if id := correlation.From(ctx); id != "" {
		in.ClientMetadata = map[string]string{"correlationId": id}
	}
	_, err := c.api.ConfirmSignUp(ctx, in)
	return mapError("cognito.ConfirmSignUp", err)
}

// ResendConfirmationCode implements auth.IdentityProvider. Errors:
// ErrInvalidParameter (a user already confirmed), ErrNotAuthorized,
// ErrTooManyRequests, and ErrUnsupported on cognito-local, which lacks the
// operation.
func (c *Client) ResendConfirmationCode(ctx context.Context, username string) error {
	_, err := c.api.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{
		ClientId:   aws.String(c.clientID),
		Username:   aws.String(username),
		SecretHash: c.secretHash(username),
	})
	return mapError("cognito.ResendConfirmationCode", err)
}

// Login implements auth.IdentityProvider with USER_PASSWORD_AUTH. A wrong
// password and an unknown user give the same error, ErrNotAuthorized; an
// unconfirmed user gives ErrUserNotConfirmed; a sign-in that Cognito answers
// with a challenge instead of tokens gives a *auth.ChallengeError (so also
// ErrChallenge). Tokens.ExpiresIn is always positive: when the server
// leaves it out it is read from the access token's exp and iat claims.
func (c *Client) Login(ctx context.Context, username, password string) (auth.Tokens, error) {
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	if h := c.secretHash(username); h != nil {
		params["SECRET_HASH"] = *h
	}
	out, err := c.api.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(c.clientID),
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: params,
	})
	if err != nil {
		return auth.Tokens{}, mapLoginError("cognito.Login", err)
	}
	return tokens("cognito.Login", out.AuthenticationResult, out.ChallengeName)
}

// Refresh implements auth.IdentityProvider with GetTokensFromRefreshToken,
// which serves app clients with and without refresh-token rotation: with
// rotation (serverless.yml turns it on), Tokens.RefreshToken is the new
// refresh token, and the one given stops working after the client's grace
// period. A revoked, expired or foreign refresh token gives
// ErrNotAuthorized. Emulators without the operation (cognito-local) get
// REFRESH_TOKEN_AUTH instead, which never rotates; with an app client
// secret it needs username, the user's Cognito username, for the
// SECRET_HASH.
func (c *Client) Refresh(ctx context.Context, username, refreshToken string) (auth.Tokens, error) {
	in := &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(c.clientID), RefreshToken: aws.String(refreshToken)}
	if c.secret != "" {
		in.ClientSecret = aws.String(c.secret)
	}
	out, err := c.api.GetTokensFromRefreshToken(ctx, in)
	if err == nil {
		return tokens("cognito.Refresh", out.AuthenticationResult, "")
	}
	if err := mapError("cognito.Refresh", err); !errors.Is(err, auth.ErrUnsupported) {
		return auth.Tokens{}, err
	}
	params := map[string]string{"REFRESH_TOKEN": refreshToken}
	if h := c.secretHash(username); h != nil {
		if username == "" {
			return auth.Tokens{}, fmt.Errorf("cognito.Refresh: %w: no username for the secret hash", auth.ErrInvalidParameter)
		}
		params["SECRET_HASH"] = *h
		params["USERNAME"] = username
	}
	refreshed, err := c.api.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(c.clientID),
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: params,
	})
	if err != nil {
		return auth.Tokens{}, mapError("cognito.Refresh", err)
	}
	return tokens("cognito.Refresh", refreshed.AuthenticationResult, refreshed.ChallengeName)
}

// GetUser implements auth.IdentityProvider. An access token that is
// malformed, expired, revoked or signed out gives ErrNotAuthorized.
func (c *Client) GetUser(ctx context.Context, accessToken string) (auth.User, error) {
	out, err := c.api.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(accessToken)})
	if err != nil {
		return auth.User{}, mapTokenError("cognito.GetUser", err)
	}
	u := auth.User{Username: aws.ToString(out.Username)}
	for _, a := range out.UserAttributes {
		switch v := aws.ToString(a.Value); aws.ToString(a.Name) {
		case "sub":
			u.Sub = v
		case "email":
			u.Email = v
		case "email_verified":
			u.EmailVerified = v == "true"
		}
	}
	return u, nil
}

// GlobalSignOut implements auth.IdentityProvider: every refresh token of the
// access token's user stops working. An unusable access token gives
// ErrNotAuthorized; cognito-local, which lacks the operation, gives
// ErrUnsupported.
func (c *Client) GlobalSignOut(ctx context.Context, accessToken string) error {
	_, err := c.api.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aws.String(accessToken)})
	return mapTokenError("cognito.GlobalSignOut", err)
}

// RevokeToken implements auth.IdentityProvider. A token that is not a live
// refresh token of this app client gives ErrNotAuthorized, which a caller
// signing out may treat as done.
func (c *Client) RevokeToken(ctx context.Context, refreshToken string) error {
	in := &cip.RevokeTokenInput{ClientId: aws.String(c.clientID), Token: aws.String(refreshToken)}
	if c.secret != "" {
		in.ClientSecret = aws.String(c.secret)
	}
	_, err := c.api.RevokeToken(ctx, in)
	return mapTokenError("cognito.RevokeToken", err)
}

// ForgotPassword implements auth.IdentityProvider: Cognito sends username a
// code to reset their password with. With PreventUserExistenceErrors an
// unknown user succeeds (nothing is sent); otherwise it is
// ErrNotAuthorized. Also ErrInvalidParameter (no verified e-mail),
// ErrTooManyRequests.
func (c *Client) ForgotPassword(ctx context.Context, username string) error {
	_, err := c.api.ForgotPassword(ctx, &cip.ForgotPasswordInput{
		ClientId:   aws.String(c.clientID),
		Username:   aws.String(username),
		SecretHash: c.secretHash(username),
	})
	return mapError("cognito.ForgotPassword", err)
}

// ConfirmForgotPassword implements auth.IdentityProvider. Errors:
// ErrCodeMismatch (also an unknown user, with PreventUserExistenceErrors),
// ErrExpiredCode, ErrInvalidPassword (the pool's policy), ErrNotAuthorized,
// ErrTooManyRequests.
func (c *Client) ConfirmForgotPassword(ctx context.Context, username, code, newPassword string) error {
	_, err := c.api.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId:         aws.String(c.clientID),
		Username:         aws.String(username),
		ConfirmationCode: aws.String(code),
		Password:         aws.String(newPassword),
		SecretHash:       c.secretHash(username),
	})
	return mapError("cognito.ConfirmForgotPassword", err)
}

// tokens reads an authentication result: tokens, or the challenge the
// answer had instead.
func tokens(op string, res *types.AuthenticationResultType, challenge types.ChallengeNameType) (auth.Tokens, error) {
	if res == nil {
		if challenge != "" {
			return auth.Tokens{}, fmt.Errorf("%s: %w", op, &auth.ChallengeError{Name: string(challenge)})
		}
		return auth.Tokens{}, fmt.Errorf("%s: answer with neither tokens nor a challenge", op)
	}
	t := auth.Tokens{
		AccessToken:  aws.ToString(res.AccessToken),
		IDToken:      aws.ToString(res.IdToken),
		RefreshToken: aws.ToString(res.RefreshToken),
		ExpiresIn:    int(res.ExpiresIn),
	}
	if t.AccessToken == "" {
		return auth.Tokens{}, fmt.Errorf("%s: answer without an access token", op)
	}
	if t.ExpiresIn <= 0 {
		t.ExpiresIn = lifetime(t.AccessToken)
	}
	return t, nil
}
