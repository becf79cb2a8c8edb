package cognitolocal

import (
	"context"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

func TestInitiateAuthErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "erin")
	f.signUp(t, "frank", "frank@example.com") // left unconfirmed

	incorrect := failure{"NotAuthorizedException", "Incorrect username or password."}
	tests := []struct {
		name   string
		flow   types.AuthFlowType
		params map[string]string
		want   failure
	}{
		{name: "unknown user", params: map[string]string{"USERNAME": "nobody", "PASSWORD": testPassword}, want: incorrect},
		{name: "wrong password", params: map[string]string{"USERNAME": "erin", "PASSWORD": testPassword + "x"}, want: incorrect},
		{name: "unconfirmed user, right password", params: map[string]string{"USERNAME": "frank", "PASSWORD": testPassword},
			want: failure{"UserNotConfirmedException", "User is not confirmed."}},
		{name: "unconfirmed user, wrong password", params: map[string]string{"USERNAME": "frank", "PASSWORD": "Wrong-pass-1"},
			want: incorrect},
		{name: "no password", params: map[string]string{"USERNAME": "erin"},
			want: failure{"InvalidParameterException", "Missing required parameter PASSWORD"}},
		{name: "no username", params: map[string]string{"PASSWORD": testPassword},
			want: failure{"InvalidParameterException", "Missing required parameter USERNAME"}},
		{name: "SRP flow", flow: types.AuthFlowTypeUserSrpAuth, params: map[string]string{"USERNAME": "erin", "SRP_A": "abc"},
			want: failure{"InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client"}},
		{name: "refresh without token", flow: types.AuthFlowTypeRefreshTokenAuth, params: map[string]string{},
			want: failure{"InvalidParameterException", "Missing required parameter REFRESH_TOKEN"}},
		{name: "unknown refresh token", flow: types.AuthFlowTypeRefreshTokenAuth,
			params: map[string]string{"REFRESH_TOKEN": "bm90LWEtdG9rZW4"},
			want:   failure{"NotAuthorizedException", "Invalid Refresh Token."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			flow := tt.flow
			if flow == "" {
				flow = types.AuthFlowTypeUserPasswordAuth
			}
			_, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
				AuthFlow: flow, ClientId: aws.String(testClientID), AuthParameters: tt.params,
			})
			if diff := cmp.Diff(tt.want, failureOf(err)); diff != "" {
				t.Errorf("InitiateAuth error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSignInTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *Config) {
		c.AccessTokenTTL = 15 * time.Minute
		c.IDTokenTTL = 30 * time.Minute
	})
	f.confirmedUser(t, "Grace")
	f.clock.Advance(time.Minute)
	res := f.login(t, "grace")

	if res.ExpiresIn != 900 || aws.ToString(res.TokenType) != "Bearer" {
		t.Errorf("ExpiresIn %d, TokenType %q; want 900, Bearer", res.ExpiresIn, aws.ToString(res.TokenType))
	}
	if rt := aws.ToString(res.RefreshToken); !regexp.MustCompile(`^[A-Za-z0-9_-]{40,}$`).MatchString(rt) || looksLikeJWT(rt) {
		t.Errorf("RefreshToken %q is not an opaque token", rt)
	}

	// The access token passes API Gateway's checks, with Cognito's claims.
	now := testStart.Add(time.Minute)
	auth, err := testAuthorizer(t, f.clock.Now).Authorize("Bearer "+aws.ToString(res.AccessToken), []string{jwtauth.UserAdminScope})
	if err != nil {
		t.Fatalf("Authorize access token: %v", err)
	}
	access := auth.Claims
	stamp := strconv.FormatInt(now.Unix(), 10)
	wantAccess := map[string]string{
		"sub":        jwtauth.SubjectFor("grace"),
		"iss":        testIssuer,
		"client_id":  testClientID,
		"origin_jti": access["origin_jti"],
		"event_id":   access["event_id"],
		"token_use":  "access",
		"scope":      "aws.cognito.signin.user.admin",
		"auth_time":  stamp,
		"iat":        stamp,
		"exp":        strconv.FormatInt(now.Add(15*time.Minute).Unix(), 10),
		"jti":        access["jti"],
		"username":   "Grace",
	}
	if diff := cmp.Diff(wantAccess, access); diff != "" {
		t.Errorf("access token claims mismatch (-want +got):\n%s", diff)
	}
	for _, c := range []string{"origin_jti", "event_id", "jti"} {
		if _, err := uuid.Parse(access[c]); err != nil {
			t.Errorf("%s %q is not a UUID", c, access[c])
		}
	}

	id := claimsOf(t, aws.ToString(res.IdToken))
	wantID := map[string]any{
		"sub":              jwtauth.SubjectFor("grace"),
		"aud":              testClientID,
		"email":            "grace@example.com",
		"email_verified":   true,
		"iss":              testIssuer,
		"cognito:username": "Grace",
		"origin_jti":       access["origin_jti"],
		"event_id":         access["event_id"],
		"token_use":        "id",
		"auth_time":        float64(now.Unix()),
		"iat":              float64(now.Unix()),
		"exp":              float64(now.Add(30 * time.Minute).Unix()),
		"jti":              id["jti"],
	}
	if diff := cmp.Diff(wantID, id); diff != "" {
		t.Errorf("ID token claims mismatch (-want +got):\n%s", diff)
	}
	if id["jti"] == access["jti"] {
		t.Error("access and ID token share a jti")
	}

	// API Gateway refuses the ID token: this pool's authorizer takes access tokens only.
	if _, err := testAuthorizer(t, f.clock.Now).Authorize(aws.ToString(res.IdToken), nil); err == nil {
		t.Error("the authorizer accepted an ID token")
	}
}

func TestRefreshTokenAuth(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "heidi")
	first := f.login(t, "heidi")
	f.clock.Advance(10 * time.Minute)

	res, err := f.refreshErr("heidi", aws.ToString(first.RefreshToken))
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if res.RefreshToken != nil {
		t.Errorf("refresh returned a RefreshToken; Cognito does not rotate it")
	}
	before, after := claimsOf(t, aws.ToString(first.AccessToken)), claimsOf(t, aws.ToString(res.AccessToken))
	for _, c := range []string{"origin_jti", "event_id", "auth_time", "sub", "username"} {
		if before[c] != after[c] {
			t.Errorf("claim %s changed on refresh: %v → %v", c, before[c], after[c])
		}
	}
	if after["iat"] != float64(testStart.Add(10*time.Minute).Unix()) || after["jti"] == before["jti"] {
		t.Errorf("refreshed token: iat %v, jti %v; want a new token issued now", after["iat"], after["jti"])
	}
	idBefore, idAfter := claimsOf(t, aws.ToString(first.IdToken)), claimsOf(t, aws.ToString(res.IdToken))
	if idBefore["origin_jti"] != idAfter["origin_jti"] || idAfter["origin_jti"] != after["origin_jti"] {
		t.Errorf("ID token origin_jti %v → %v, access %v: want one origin_jti", idBefore["origin_jti"], idAfter["origin_jti"], after["origin_jti"])
	}
	if _, err := f.getUser(aws.ToString(res.AccessToken)); err != nil {
		t.Errorf("GetUser with a refreshed token: %v", err)
	}

	f.clock.Advance(30 * 24 * time.Hour)
	_, err = f.refreshErr("heidi", aws.ToString(first.RefreshToken))
	if diff := cmp.Diff(failure{"NotAuthorizedException", "Refresh Token has expired"}, failureOf(err)); diff != "" {
		t.Errorf("refresh with an expired token (-want +got):\n%s", diff)
	}
}

func TestNewPasswordRequired(t *testing.T) {
	t.Parallel()
	var triggered atomic.Int32
	f := newFixture(t, func(c *Config) {
		c.PostConfirmation = func(_ context.Context, ev []byte) ([]byte, error) {
			triggered.Add(1)
			return ev, nil
		}
	})
	created, err := f.client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId:        aws.String(testPoolID),
		Username:          aws.String("Ivan"),
		TemporaryPassword: aws.String("Temp-pass-1"),
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("ivan@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	})
	if err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	if created.User.UserStatus != types.UserStatusTypeForceChangePassword || aws.ToString(created.User.Username) != "Ivan" ||
		!created.User.Enabled || !created.User.UserCreateDate.Equal(testStart) {
		t.Errorf("AdminCreateUser.User = %+v", created.User)
	}

	start := func(t *testing.T, password string) *cip.InitiateAuthOutput {
		t.Helper()
		out, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(testClientID),
			AuthParameters: map[string]string{"USERNAME": "ivan", "PASSWORD": password},
		})
		if err != nil {
			t.Fatalf("InitiateAuth: %v", err)
		}
		return out
	}
	out := start(t, "Temp-pass-1")
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.AuthenticationResult != nil ||
		aws.ToString(out.Session) == "" || out.ChallengeParameters["USER_ID_FOR_SRP"] != "Ivan" ||
		out.ChallengeParameters["requiredAttributes"] != "[]" {
		t.Fatalf("InitiateAuth = %+v, want a NEW_PASSWORD_REQUIRED challenge", out)
	}

	respond := func(session, password string) (*cip.RespondToAuthChallengeOutput, error) {
		return f.client.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ClientId:           aws.String(testClientID),
			ChallengeName:      types.ChallengeNameTypeNewPasswordRequired,
			Session:            aws.String(session),
			ChallengeResponses: map[string]string{"USERNAME": "ivan", "NEW_PASSWORD": password},
		})
	}
	_, err = respond(aws.ToString(out.Session), "weakpass")
	if got := failureOf(err); got.Code != "InvalidPasswordException" {
		t.Errorf("weak new password: %v, want InvalidPasswordException", err)
	}
	_, err = respond("not-a-session", testPassword)
	if diff := cmp.Diff(failure{"NotAuthorizedException", "Invalid session for the user, session is expired."}, failureOf(err)); diff != "" {
		t.Errorf("unknown session (-want +got):\n%s", diff)
	}
	done, err := respond(aws.ToString(out.Session), testPassword)
	if err != nil {
		t.Fatalf("RespondToAuthChallenge: %v", err)
	}
	if done.AuthenticationResult == nil || aws.ToString(done.AuthenticationResult.RefreshToken) == "" {
		t.Fatalf("RespondToAuthChallenge = %+v, want tokens", done)
	}
	if claimsOf(t, aws.ToString(done.AuthenticationResult.IdToken))["email_verified"] != true {
		t.Error("ID token: email_verified is not true as the administrator set it")
	}
	if status, _ := f.status(t, "ivan"); status != "CONFIRMED" {
		t.Errorf("status after the challenge: %s, want CONFIRMED", status)
	}
	if _, err := respond(aws.ToString(out.Session), testPassword); failureOf(err).Code != "NotAuthorizedException" {
		t.Errorf("reusing the session: %v, want NotAuthorizedException", err)
	}
	f.login(t, "ivan")
	if n := triggered.Load(); n != 0 {
		t.Errorf("post confirmation trigger ran %d times for an administrator-created user, want 0", n)
	}

	t.Run("temporary password expired", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		_, err := f.client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(testPoolID), Username: aws.String("judy"), TemporaryPassword: aws.String("Temp-pass-1"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("judy@example.com")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(7*24*time.Hour + time.Second)
		_, err = f.loginErr("judy", "Temp-pass-1")
		want := failure{"NotAuthorizedException", "Temporary password has expired and must be reset by an administrator."}
		if diff := cmp.Diff(want, failureOf(err)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}
