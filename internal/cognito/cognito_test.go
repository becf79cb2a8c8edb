package cognito_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/cognito"
)

// fakeAPI is a hand-written cognito.API: it records each input and answers
// with the output or error set for the operation.
type fakeAPI struct {
	err error // returned by every operation when set

	signUp   []*cip.SignUpInput
	confirm  []*cip.ConfirmSignUpInput
	resend   []*cip.ResendConfirmationCodeInput
	initiate []*cip.InitiateAuthInput
	refresh  []*cip.GetTokensFromRefreshTokenInput
	// refreshErr, when set, is GetTokensFromRefreshToken's answer (an
	// emulator without the operation).
	refreshErr error
	getUser    []*cip.GetUserInput
	signOut    []*cip.GlobalSignOutInput
	revoke     []*cip.RevokeTokenInput
	forgot     []*cip.ForgotPasswordInput
	reset      []*cip.ConfirmForgotPasswordInput

	signUpOut   *cip.SignUpOutput
	initiateOut *cip.InitiateAuthOutput
	getUserOut  *cip.GetUserOutput
}

var _ cognito.API = (*fakeAPI)(nil)

func (f *fakeAPI) SignUp(_ context.Context, in *cip.SignUpInput, _ ...func(*cip.Options)) (*cip.SignUpOutput, error) {
	f.signUp = append(f.signUp, in)
	if f.err != nil {
		return nil, f.err
	}
	if f.signUpOut != nil {
		return f.signUpOut, nil
	}
	return &cip.SignUpOutput{UserSub: aws.String("0b7c4a8e-0000-4000-8000-000000000001")}, nil
}

func (f *fakeAPI) ConfirmSignUp(_ context.Context, in *cip.ConfirmSignUpInput, _ ...func(*cip.Options)) (*cip.ConfirmSignUpOutput, error) {
	f.confirm = append(f.confirm, in)
	return &cip.ConfirmSignUpOutput{}, f.err
}

func (f *fakeAPI) ResendConfirmationCode(_ context.Context, in *cip.ResendConfirmationCodeInput, _ ...func(*cip.Options)) (*cip.ResendConfirmationCodeOutput, error) {
	f.resend = append(f.resend, in)
	return &cip.ResendConfirmationCodeOutput{}, f.err
}

func (f *fakeAPI) InitiateAuth(_ context.Context, in *cip.InitiateAuthInput, _ ...func(*cip.Options)) (*cip.InitiateAuthOutput, error) {
	f.initiate = append(f.initiate, in)
	if f.err != nil {
		return nil, f.err
	}
	if f.initiateOut != nil {
		return f.initiateOut, nil
	}
	return &cip.InitiateAuthOutput{AuthenticationResult: &types.AuthenticationResultType{
		AccessToken: aws.String("access"), IdToken: aws.String("id"), RefreshToken: aws.String("refresh"), ExpiresIn: 900,
	}}, nil
}

func (f *fakeAPI) GetTokensFromRefreshToken(_ context.Context, in *cip.GetTokensFromRefreshTokenInput, _ ...func(*cip.Options)) (*cip.GetTokensFromRefreshTokenOutput, error) {
	f.refresh = append(f.refresh, in)
	if f.refreshErr != nil {
		return nil, f.refreshErr
	}
	if f.err != nil {
		return nil, f.err
	}
	return &cip.GetTokensFromRefreshTokenOutput{AuthenticationResult: &types.AuthenticationResultType{
		AccessToken: aws.String("access"), IdToken: aws.String("id"), RefreshToken: aws.String("rotated"), ExpiresIn: 900,
	}}, nil
}

func (f *fakeAPI) GetUser(_ context.Context, in *cip.GetUserInput, _ ...func(*cip.Options)) (*cip.GetUserOutput, error) {
	f.getUser = append(f.getUser, in)
	if f.err != nil {
		return nil, f.err
	}
	if f.getUserOut != nil {
		return f.getUserOut, nil
	}
	return &cip.GetUserOutput{Username: aws.String("alice")}, nil
}

func (f *fakeAPI) GlobalSignOut(_ context.Context, in *cip.GlobalSignOutInput, _ ...func(*cip.Options)) (*cip.GlobalSignOutOutput, error) {
	f.signOut = append(f.signOut, in)
	return &cip.GlobalSignOutOutput{}, f.err
}

func (f *fakeAPI) RevokeToken(_ context.Context, in *cip.RevokeTokenInput, _ ...func(*cip.Options)) (*cip.RevokeTokenOutput, error) {
	f.revoke = append(f.revoke, in)
	return &cip.RevokeTokenOutput{}, f.err
}

func (f *fakeAPI) ForgotPassword(_ context.Context, in *cip.ForgotPasswordInput, _ ...func(*cip.Options)) (*cip.ForgotPasswordOutput, error) {
	f.forgot = append(f.forgot, in)
	return &cip.ForgotPasswordOutput{}, f.err
}

func (f *fakeAPI) ConfirmForgotPassword(_ context.Context, in *cip.ConfirmForgotPasswordInput, _ ...func(*cip.Options)) (*cip.ConfirmForgotPasswordOutput, error) {
	f.reset = append(f.reset, in)
	return &cip.ConfirmForgotPasswordOutput{}, f.err
}

const (
	clientID = "5ucc3ss7ulcl1ent1d"
	secret   = "s3cr3t-of-the-app-client"
	// aliceHash is SecretHash(secret, "alice", clientID), computed outside
	// Go (Node's crypto.createHmac) so that the test does not check the
	// code against itself.
	aliceHash = "6eWbQk231t4JmEPjijU3p7zHu0Fs11rLfJFUZEmfqOE="
)

func newClient(t *testing.T, api cognito.API, secret string) *cognito.Client {
	t.Helper()
	c, err := cognito.New(api, clientID, secret)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestNew(t *testing.T) {
	t.Parallel()
	if _, err := cognito.New(nil, clientID, ""); err == nil {
		t.Error("New(nil API) succeeded")
	}
	if _, err := cognito.New(&fakeAPI{}, "", ""); err == nil {
		t.Error("New with an empty client ID succeeded")
	}
}

func TestSecretHash(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                       string
		secret, username, clientID string
		want                       string
	}{
		{
			// RFC 4231 test case 2 (key "Jefe", data "what do ya want for
			// nothing?"), its data split into username and client ID.
			name: "RFC 4231 case 2", secret: "Jefe", username: "what do ya want ", clientID: "for nothing?",
			want: base64.StdEncoding.EncodeToString(mustHex(t, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")),
		},
		{name: "app client", secret: secret, username: "alice", clientID: clientID, want: aliceHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := cognito.SecretHash(tt.secret, tt.username, tt.clientID); got != tt.want {
				t.Errorf("SecretHash = %q, want %q", got, tt.want)
			}
		})
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// TestSecretOnEveryCall checks that each call carries the secret hash (or
// the secret, for RevokeToken) when the app client has a secret, and nothing
// when it has none: Cognito refuses both a missing and an unexpected one.
func TestSecretOnEveryCall(t *testing.T) {
	t.Parallel()
	type sent struct {
		SecretHash   *string
		AuthParams   map[string]string
		ClientSecret *string
	}
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func(*cognito.Client) error
		sent   func(*fakeAPI) sent
		secret sent // what is sent with the secret
		none   sent // what is sent without it
	}{
		{
			name: "SignUp",
			call: func(c *cognito.Client) error {
				_, err := c.SignUp(ctx, "alice", "alice@example.com", "Passw0rd!")
				return err
			},
			sent:   func(f *fakeAPI) sent { return sent{SecretHash: f.signUp[0].SecretHash} },
			secret: sent{SecretHash: aws.String(aliceHash)},
		},
		{
			name:   "ConfirmSignUp",
			call:   func(c *cognito.Client) error { return c.ConfirmSignUp(ctx, "alice", "123456") },
			sent:   func(f *fakeAPI) sent { return sent{SecretHash: f.confirm[0].SecretHash} },
			secret: sent{SecretHash: aws.String(aliceHash)},
		},
		{
			name:   "ResendConfirmationCode",
			call:   func(c *cognito.Client) error { return c.ResendConfirmationCode(ctx, "alice") },
			sent:   func(f *fakeAPI) sent { return sent{SecretHash: f.resend[0].SecretHash} },
			secret: sent{SecretHash: aws.String(aliceHash)},
		},
		{
			name:   "ForgotPassword",
			call:   func(c *cognito.Client) error { return c.ForgotPassword(ctx, "alice") },
			sent:   func(f *fakeAPI) sent { return sent{SecretHash: f.forgot[0].SecretHash} },
			secret: sent{SecretHash: aws.String(aliceHash)},
		},
		{
			name:   "ConfirmForgotPassword",
			call:   func(c *cognito.Client) error { return c.ConfirmForgotPassword(ctx, "alice", "123456", "N3w!pass") },
			sent:   func(f *fakeAPI) sent { return sent{SecretHash: f.reset[0].SecretHash} },
			secret: sent{SecretHash: aws.String(aliceHash)},
		},
		{
			name:   "Login",
			call:   func(c *cognito.Client) error { _, err := c.Login(ctx, "alice", "Passw0rd!"); return err },
			sent:   func(f *fakeAPI) sent { return sent{AuthParams: f.initiate[0].AuthParameters} },
			secret: sent{AuthParams: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!", "SECRET_HASH": aliceHash}},
			none:   sent{AuthParams: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}},
		},
		{
			name:   "Refresh",
			call:   func(c *cognito.Client) error { _, err := c.Refresh(ctx, "alice", "refresh-token"); return err },
			sent:   func(f *fakeAPI) sent { return sent{ClientSecret: f.refresh[0].ClientSecret} },
			secret: sent{ClientSecret: aws.String(secret)},
		},
		{
			name:   "RevokeToken",
			call:   func(c *cognito.Client) error { return c.RevokeToken(ctx, "refresh-token") },
			sent:   func(f *fakeAPI) sent { return sent{ClientSecret: f.revoke[0].ClientSecret} },
			secret: sent{ClientSecret: aws.String(secret)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, v := range []struct {
				secret string
				want   sent
			}{{secret, tt.secret}, {"", tt.none}} {
				api := &fakeAPI{}
				if err := tt.call(newClient(t, api, v.secret)); err != nil {
					t.Fatalf("secret %q: %v", v.secret, err)
				}
				if diff := cmp.Diff(v.want, tt.sent(api)); diff != "" {
					t.Errorf("secret %q: sent (-want +got):\n%s", v.secret, diff)
				}
			}
		})
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api := &fakeAPI{}
	c := newClient(t, api, "")
	if _, err := c.SignUp(ctx, "alice", "alice@example.com", "Passw0rd!"); err != nil {
		t.Fatal(err)
	}
	in := api.signUp[0]
	if got := [4]string{aws.ToString(in.ClientId), aws.ToString(in.Username), aws.ToString(in.Password), fmt.Sprint(attrs(in.UserAttributes))}; got != [4]string{clientID, "alice", "Passw0rd!", "map[email:alice@example.com]"} {
		t.Errorf("SignUp sent %q", got)
	}
	if err := c.ConfirmSignUp(ctx, "alice", "123456"); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(api.confirm[0].ConfirmationCode); got != "123456" {
		t.Errorf("ConfirmSignUp sent code %q", got)
	}
	if _, err := c.Login(ctx, "alice", "pw"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Refresh(ctx, "", "r")
	if err != nil {
		t.Fatalf("Refresh without username or secret: %v", err)
	}
	if len(api.initiate) != 1 || api.initiate[0].AuthFlow != types.AuthFlowTypeUserPasswordAuth || aws.ToString(api.refresh[0].RefreshToken) != "r" || aws.ToString(api.refresh[0].ClientId) != clientID {
		t.Errorf("Login and Refresh sent %+v and %+v", api.initiate, api.refresh)
	}
	if got.RefreshToken != "rotated" {
		t.Errorf("Refresh dropped the rotated refresh token: %+v", got)
	}
	if err := c.GlobalSignOut(ctx, "access"); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(api.signOut[0].AccessToken); got != "access" {
		t.Errorf("GlobalSignOut sent %q", got)
	}
	if err := c.RevokeToken(ctx, "refresh"); err != nil {
		t.Fatal(err)
	}
	if got := [2]string{aws.ToString(api.revoke[0].ClientId), aws.ToString(api.revoke[0].Token)}; got != [2]string{clientID, "refresh"} {
		t.Errorf("RevokeToken sent %q", got)
	}
	if err := c.ForgotPassword(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if got := [2]string{aws.ToString(api.forgot[0].ClientId), aws.ToString(api.forgot[0].Username)}; got != [2]string{clientID, "alice"} {
		t.Errorf("ForgotPassword sent %q", got)
	}
	if err := c.ConfirmForgotPassword(ctx, "alice", "123456", "N3w!pass"); err != nil {
		t.Fatal(err)
	}
	r := api.reset[0]
	if got := [4]string{aws.ToString(r.ClientId), aws.ToString(r.Username), aws.ToString(r.ConfirmationCode), aws.ToString(r.Password)}; got != [4]string{clientID, "alice", "123456", "N3w!pass"} {
		t.Errorf("ConfirmForgotPassword sent %q", got)
	}
}

func attrs(as []types.AttributeType) map[string]string {
	m := map[string]string{}
	for _, a := range as {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

// Finding 16: the refresh token never rotated. Refresh asks for rotation's
// GetTokensFromRefreshToken, and only an emulator without it
// (cognito-local) gets REFRESH_TOKEN_AUTH, which needs the username for the
// secret hash.
func TestRefreshRotatesWhereCognitoCan(t *testing.T) {
	t.Parallel()
	unsupported := &smithy.GenericAPIError{Code: "Unsupported", Message: "Cognito Local unsupported feature: GetTokensFromRefreshToken"}
	api := &fakeAPI{refreshErr: unsupported}
	got, err := newClient(t, api, secret).Refresh(context.Background(), "alice", "refresh-token")
	if err != nil || len(api.initiate) != 1 || api.initiate[0].AuthFlow != types.AuthFlowTypeRefreshTokenAuth || got.AccessToken != "access" {
		t.Fatalf("fallback: %+v, %v, sent %+v", got, err, api.initiate)
	}
	if diff := cmp.Diff(map[string]string{"REFRESH_TOKEN": "refresh-token", "USERNAME": "alice", "SECRET_HASH": aliceHash}, api.initiate[0].AuthParameters); diff != "" {
		t.Errorf("fallback params (-want +got):\n%s", diff)
	}
	api = &fakeAPI{refreshErr: unsupported}
	if _, err := newClient(t, api, secret).Refresh(context.Background(), "", "refresh-token"); !errors.Is(err, auth.ErrInvalidParameter) || len(api.initiate) != 0 {
		t.Errorf("fallback without a username: %v, sent %d", err, len(api.initiate))
	}
	api = &fakeAPI{refreshErr: &types.NotAuthorizedException{Message: aws.String("Invalid Refresh Token")}}
	if _, err := newClient(t, api, "").Refresh(context.Background(), "", "old"); !errors.Is(err, auth.ErrNotAuthorized) || len(api.initiate) != 0 {
		t.Errorf("a refused token: %v, fell back %d times", err, len(api.initiate))
	}
}

// sdkError wraps apiErr as the SDK does.
func sdkError(op string, apiErr error) error {
	return &smithy.OperationError{ServiceID: "Cognito Identity Provider", OperationName: op, Err: apiErr}
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ops := map[string]func(*cognito.Client) error{
		"SignUp":                 func(c *cognito.Client) error { _, err := c.SignUp(ctx, "alice", "a@example.com", "pw"); return err },
		"ConfirmSignUp":          func(c *cognito.Client) error { return c.ConfirmSignUp(ctx, "alice", "1") },
		"ResendConfirmationCode": func(c *cognito.Client) error { return c.ResendConfirmationCode(ctx, "alice") },
		"Login":                  func(c *cognito.Client) error { _, err := c.Login(ctx, "alice", "pw"); return err },
		"Refresh":                func(c *cognito.Client) error { _, err := c.Refresh(ctx, "alice", "r"); return err },
		"GetUser":                func(c *cognito.Client) error { _, err := c.GetUser(ctx, "a"); return err },
		"GlobalSignOut":          func(c *cognito.Client) error { return c.GlobalSignOut(ctx, "a") },
		"RevokeToken":            func(c *cognito.Client) error { return c.RevokeToken(ctx, "r") },
	}
	unsupported := &smithy.GenericAPIError{Code: "Unsupported", Message: "Cognito Local unsupported feature: ResendConfirmationCode"}
	tests := []struct {
		op   string
		err  error
		want error // nil: passed through, internal
	}{
		{"SignUp", &types.UsernameExistsException{}, auth.ErrUsernameExists},
		{"SignUp", &types.InvalidPasswordException{}, auth.ErrInvalidPassword},
		{"SignUp", &types.InvalidParameterException{}, auth.ErrInvalidParameter},
		{"SignUp", &types.TooManyRequestsException{}, auth.ErrTooManyRequests},
		{"SignUp", &types.NotAuthorizedException{}, auth.ErrNotAuthorized},
		{"SignUp", &types.InternalErrorException{}, nil},
		{"SignUp", &smithy.GenericAPIError{Code: "ThrottlingException"}, auth.ErrTooManyRequests},
		{"ConfirmSignUp", &types.CodeMismatchException{}, auth.ErrCodeMismatch},
		{"ConfirmSignUp", &types.ExpiredCodeException{}, auth.ErrExpiredCode},
		{"ConfirmSignUp", &types.NotAuthorizedException{}, auth.ErrNotAuthorized},
		{"ConfirmSignUp", &types.UserNotFoundException{}, auth.ErrNotAuthorized},
		{"ConfirmSignUp", &types.TooManyFailedAttemptsException{}, auth.ErrTooManyRequests},
		{"ConfirmSignUp", &types.LimitExceededException{}, auth.ErrTooManyRequests},
		{"ConfirmSignUp", &smithy.GenericAPIError{Code: "CodeMismatchException"}, auth.ErrCodeMismatch},
		{"ResendConfirmationCode", unsupported, auth.ErrUnsupported},
		{"ResendConfirmationCode", &types.InvalidParameterException{}, auth.ErrInvalidParameter},
		{"ResendConfirmationCode", &types.LimitExceededException{}, auth.ErrTooManyRequests},
		{"Login", &types.NotAuthorizedException{}, auth.ErrNotAuthorized},
		{"Login", &types.UserNotFoundException{}, auth.ErrNotAuthorized},
		{"Login", &types.InvalidPasswordException{}, auth.ErrNotAuthorized},
		// cognito-local's wrong password: InitiateAuth does not model the
		// exception, so the SDK hands it over untyped.
		{"Login", &smithy.GenericAPIError{Code: "InvalidPasswordException"}, auth.ErrNotAuthorized},
		{"Login", &smithy.GenericAPIError{Code: "UserNotFoundException"}, auth.ErrNotAuthorized},
		{"Login", &types.UserNotConfirmedException{}, auth.ErrUserNotConfirmed},
		{"Login", &types.PasswordResetRequiredException{}, auth.ErrChallenge},
		{"Login", &types.InvalidParameterException{}, auth.ErrInvalidParameter},
		{"Login", &types.TooManyRequestsException{}, auth.ErrTooManyRequests},
		{"Login", errors.New("dial tcp: connection refused"), nil},
		{"Refresh", &types.NotAuthorizedException{}, auth.ErrNotAuthorized},
		{"Refresh", &types.InvalidPasswordException{}, auth.ErrInvalidPassword},
		{"GetUser", &types.NotAuthorizedException{}, auth.ErrNotAuthorized},
		{"GetUser", &types.InvalidParameterException{}, auth.ErrNotAuthorized}, // cognito-local's undecodable token
		{"GetUser", &types.UserNotFoundException{}, auth.ErrNotAuthorized},
		{"GlobalSignOut", unsupported, auth.ErrUnsupported},
		{"GlobalSignOut", &types.NotAuthorizedException{}, auth.ErrNotAuthorized},
		{"RevokeToken", &types.UnauthorizedException{}, auth.ErrNotAuthorized},
		{"RevokeToken", &types.UnsupportedTokenTypeException{}, auth.ErrNotAuthorized},
		{"RevokeToken", &types.NotAuthorizedException{}, auth.ErrNotAuthorized},
		{"RevokeToken", &types.UnsupportedOperationException{}, nil},
	}
	for _, tt := range tests {
		name := tt.op + "/" + fmt.Sprintf("%T", tt.err)
		if g, ok := tt.err.(*smithy.GenericAPIError); ok {
			name = tt.op + "/" + g.Code
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sdkErr := sdkError(tt.op, tt.err)
			err := ops[tt.op](newClient(t, &fakeAPI{err: sdkErr}, ""))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "cognito."+tt.op+": ") {
				t.Errorf("error %q does not name the operation", err)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error %q lost the SDK's error", err)
			}
			if tt.want == nil {
				if k := apperr.KindOf(err); k != apperr.Internal {
					t.Errorf("kind = %v, want internal", k)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
			if got, want := apperr.From(err), apperr.From(tt.want); got != want {
				t.Errorf("apperr.From = %v, want %v", got, want)
			}
		})
	}
}

func TestLoginChallenge(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{initiateOut: &cip.InitiateAuthOutput{
		ChallengeName:       types.ChallengeNameTypeNewPasswordRequired,
		ChallengeParameters: map[string]string{"USER_ID_FOR_SRP": "alice"},
		Session:             aws.String("session"),
	}}
	_, err := newClient(t, api, "").Login(context.Background(), "alice", "Temp0rary!")
	var ce *auth.ChallengeError
	if !errors.As(err, &ce) || ce.Name != "NEW_PASSWORD_REQUIRED" {
		t.Fatalf("Login = %v, want a NEW_PASSWORD_REQUIRED ChallengeError", err)
	}
	if !errors.Is(err, auth.ErrChallenge) {
		t.Errorf("Login error %v is not ErrChallenge", err)
	}
}

func TestLoginWithoutTokens(t *testing.T) {
	t.Parallel()
	for name, out := range map[string]*cip.InitiateAuthOutput{
		"nothing":         {},
		"no access token": {AuthenticationResult: &types.AuthenticationResultType{IdToken: aws.String("id")}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := newClient(t, &fakeAPI{initiateOut: out}, "").Login(context.Background(), "alice", "pw")
			if err == nil || apperr.KindOf(err) != apperr.Internal {
				t.Errorf("Login = %v, want an internal error", err)
			}
		})
	}
}

// jwt returns an unsigned JWT with the given payload: the adapter reads
// claims only for ExpiresIn and never verifies.
func jwt(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestLoginExpiresIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		expiresIn int32
		access    string
		want      int
	}{
		{"from the answer", 900, jwt(`{"iat":1000,"exp":4600}`), 900},
		{"from the token", 0, jwt(`{"iat":1000,"exp":4600}`), 3600},
		{"token without claims", 0, jwt(`{}`), 300},
		{"not a JWT", 0, "opaque", 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{initiateOut: &cip.InitiateAuthOutput{AuthenticationResult: &types.AuthenticationResultType{
				AccessToken: aws.String(tt.access), IdToken: aws.String("id"), RefreshToken: aws.String("r"), ExpiresIn: tt.expiresIn,
			}}}
			got, err := newClient(t, api, "").Login(context.Background(), "alice", "pw")
			if err != nil {
				t.Fatal(err)
			}
			want := auth.Tokens{AccessToken: tt.access, IDToken: "id", RefreshToken: "r", ExpiresIn: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Login (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetUser(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{getUserOut: &cip.GetUserOutput{
		Username: aws.String("alice"),
		UserAttributes: []types.AttributeType{
			{Name: aws.String("sub"), Value: aws.String("0b7c4a8e")},
			{Name: aws.String("email"), Value: aws.String("alice@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
			{Name: aws.String("custom:x"), Value: aws.String("y")},
		},
	}}
	got, err := newClient(t, api, "").GetUser(context.Background(), "access")
	if err != nil {
		t.Fatal(err)
	}
	want := auth.User{Username: "alice", Sub: "0b7c4a8e", Email: "alice@example.com", EmailVerified: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GetUser (-want +got):\n%s", diff)
	}
	if got := aws.ToString(api.getUser[0].AccessToken); got != "access" {
		t.Errorf("GetUser sent %q", got)
	}
}

func TestSignUpWithoutSub(t *testing.T) {
	t.Parallel()
	_, err := newClient(t, &fakeAPI{signUpOut: &cip.SignUpOutput{}}, "").SignUp(context.Background(), "alice", "a@example.com", "pw")
	if err == nil || apperr.KindOf(err) != apperr.Internal {
		t.Errorf("SignUp = %v, want an internal error", err)
	}
}
