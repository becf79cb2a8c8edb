package cognitolocal

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

var (
	revokedAccess  = failure{"NotAuthorizedException", "Access Token has been revoked"}
	revokedRefresh = failure{"NotAuthorizedException", "Refresh Token has been revoked"}
	invalidAccess  = failure{"NotAuthorizedException", "Invalid Access Token"}
)

func TestGetUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "Mallory")
	res := f.login(t, "mallory")

	got, err := f.getUser(aws.ToString(res.AccessToken))
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	want := &cip.GetUserOutput{
		Username: aws.String("Mallory"),
		UserAttributes: []types.AttributeType{
			{Name: aws.String("sub"), Value: aws.String(jwtauth.SubjectFor("mallory"))},
			{Name: aws.String("email"), Value: aws.String("mallory@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(cip.GetUserOutput{}, types.AttributeType{}),
		cmpopts.IgnoreFields(cip.GetUserOutput{}, "ResultMetadata")); diff != "" {
		t.Errorf("GetUser mismatch (-want +got):\n%s", diff)
	}

	foreign, err := testSigner().IssueAccessToken(jwtauth.AccessTokenParams{
		Subject: jwtauth.SubjectFor("mallory"), Username: "mallory", Issuer: "https://elsewhere.example",
		ClientID: testClientID, Now: f.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	ghost, err := testSigner().IssueAccessToken(jwtauth.AccessTokenParams{
		Subject: jwtauth.SubjectFor("ghost"), Username: "ghost", Issuer: testIssuer,
		ClientID: testClientID, Now: f.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token string
		want  failure
	}{
		{name: "ID token", token: aws.ToString(res.IdToken), want: invalidAccess},
		{name: "refresh token", token: aws.ToString(res.RefreshToken), want: invalidAccess},
		{name: "garbage", token: "a.b.c", want: invalidAccess},
		{name: "another issuer", token: foreign.Token, want: invalidAccess},
		{name: "user that does not exist", token: ghost.Token, want: failure{"UserNotFoundException", "User does not exist."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.getUser(tt.token)
			if diff := cmp.Diff(tt.want, failureOf(err)); diff != "" {
				t.Errorf("GetUser error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetUserExpiredToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "victor")
	res := f.login(t, "victor")
	f.clock.Advance(time.Hour)
	_, err := f.getUser(aws.ToString(res.AccessToken))
	if diff := cmp.Diff(failure{"NotAuthorizedException", "Access Token has expired"}, failureOf(err)); diff != "" {
		t.Errorf("GetUser with an expired token (-want +got):\n%s", diff)
	}
}

func TestGlobalSignOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "niaj")
	f.confirmedUser(t, "olivia")
	phone, laptop := f.login(t, "niaj"), f.login(t, "NIAJ")
	other := f.login(t, "olivia")
	// A token for niaj issued outside this pool's sign-ins, as the CLI issues them.
	cli, err := testSigner().IssueAccessToken(jwtauth.AccessTokenParams{
		Subject: jwtauth.SubjectFor("niaj"), Username: "niaj", Issuer: testIssuer, ClientID: testClientID, Now: f.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.getUser(cli.Token); err != nil {
		t.Fatalf("GetUser with a CLI token before sign-out: %v", err)
	}

	f.clock.Advance(time.Minute)
	if _, err := f.client.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: phone.AccessToken}); err != nil {
		t.Fatalf("GlobalSignOut: %v", err)
	}

	for name, tok := range map[string]string{
		"phone": aws.ToString(phone.AccessToken), "laptop": aws.ToString(laptop.AccessToken), "cli": cli.Token,
	} {
		if _, err := f.getUser(tok); cmp.Diff(revokedAccess, failureOf(err)) != "" {
			t.Errorf("GetUser with the %s access token after GlobalSignOut: %v, want %v", name, err, revokedAccess)
		}
	}
	for name, tok := range map[string]*string{"phone": phone.RefreshToken, "laptop": laptop.RefreshToken} {
		if _, err := f.refreshErr("niaj", aws.ToString(tok)); cmp.Diff(revokedRefresh, failureOf(err)) != "" {
			t.Errorf("refresh with the %s refresh token after GlobalSignOut: %v, want %v", name, err, revokedRefresh)
		}
	}
	_, err = f.client.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: laptop.AccessToken})
	if diff := cmp.Diff(revokedAccess, failureOf(err)); diff != "" {
		t.Errorf("GlobalSignOut with a revoked token (-want +got):\n%s", diff)
	}

	// Other users and later sign-ins are unaffected.
	if _, err := f.getUser(aws.ToString(other.AccessToken)); err != nil {
		t.Errorf("another user's token after GlobalSignOut: %v", err)
	}
	f.clock.Advance(time.Second)
	again := f.login(t, "niaj")
	if _, err := f.getUser(aws.ToString(again.AccessToken)); err != nil {
		t.Errorf("GetUser after signing in again: %v", err)
	}
	if _, err := f.refreshErr("niaj", aws.ToString(again.RefreshToken)); err != nil {
		t.Errorf("refresh after signing in again: %v", err)
	}
	later, err := testSigner().IssueAccessToken(jwtauth.AccessTokenParams{
		Subject: jwtauth.SubjectFor("niaj"), Username: "niaj", Issuer: testIssuer, ClientID: testClientID, Now: f.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.getUser(later.Token); err != nil {
		t.Errorf("GetUser with a CLI token issued after the sign-out: %v", err)
	}
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "peggy")
	a, b := f.login(t, "peggy"), f.login(t, "peggy")
	refreshedA, err := f.refreshErr("peggy", aws.ToString(a.RefreshToken))
	if err != nil {
		t.Fatal(err)
	}

	revoke := func(token string) error {
		_, err := f.client.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(testClientID), Token: aws.String(token)})
		return err
	}
	if err := revoke(aws.ToString(a.RefreshToken)); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}

	// Everything from sign-in a is revoked: both access tokens and the refresh token.
	for name, tok := range map[string]*string{"original": a.AccessToken, "refreshed": refreshedA.AccessToken} {
		if _, err := f.getUser(aws.ToString(tok)); cmp.Diff(revokedAccess, failureOf(err)) != "" {
			t.Errorf("GetUser with the %s access token of the revoked sign-in: %v, want %v", name, err, revokedAccess)
		}
	}
	if _, err := f.refreshErr("peggy", aws.ToString(a.RefreshToken)); cmp.Diff(revokedRefresh, failureOf(err)) != "" {
		t.Errorf("refresh with the revoked token: %v, want %v", err, revokedRefresh)
	}
	// Sign-in b is not.
	if _, err := f.getUser(aws.ToString(b.AccessToken)); err != nil {
		t.Errorf("GetUser with another sign-in's token: %v", err)
	}
	if _, err := f.refreshErr("peggy", aws.ToString(b.RefreshToken)); err != nil {
		t.Errorf("refresh with another sign-in's token: %v", err)
	}

	tests := []struct {
		name     string
		clientID string
		token    string
		want     failure
	}{
		{name: "already revoked", token: aws.ToString(a.RefreshToken)},
		{name: "unknown token", token: "bm90LWEtcmVmcmVzaC10b2tlbg"},
		{name: "access token", token: aws.ToString(b.AccessToken),
			want: failure{"UnsupportedTokenTypeException", "Only refresh tokens can be revoked."}},
		{name: "unknown client", clientID: "someotherclient", token: aws.ToString(b.RefreshToken),
			want: failure{"ResourceNotFoundException", "User pool client someotherclient does not exist."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.client.RevokeToken(ctx, &cip.RevokeTokenInput{
				ClientId: aws.String(orDefault(tt.clientID, testClientID)), Token: aws.String(tt.token),
			})
			if diff := cmp.Diff(tt.want, failureOf(err)); diff != "" {
				t.Errorf("RevokeToken error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdminDeleteUserRevokesTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "quentin")
	res := f.login(t, "quentin")
	del := &cip.AdminDeleteUserInput{UserPoolId: aws.String(testPoolID), Username: aws.String("QUENTIN")}
	if _, err := f.client.AdminDeleteUser(ctx, del); err != nil {
		t.Fatalf("AdminDeleteUser: %v", err)
	}
	if _, err := f.client.AdminDeleteUser(ctx, del); cmp.Diff(failure{"UserNotFoundException", "User does not exist."}, failureOf(err)) != "" {
		t.Errorf("deleting again: %v, want UserNotFoundException", err)
	}
	if f.srv.Mailbox("quentin") != nil {
		t.Error("the deleted user's mailbox survived")
	}

	// The same username signs up again: same sub, but the old tokens stay dead.
	f.confirmedUser(t, "quentin")
	if _, err := f.getUser(aws.ToString(res.AccessToken)); cmp.Diff(revokedAccess, failureOf(err)) != "" {
		t.Errorf("old access token after delete and re-sign-up: %v, want %v", err, revokedAccess)
	}
	if _, err := f.refreshErr("quentin", aws.ToString(res.RefreshToken)); cmp.Diff(revokedRefresh, failureOf(err)) != "" {
		t.Errorf("old refresh token after delete and re-sign-up: %v, want %v", err, revokedRefresh)
	}
}

func TestAdminErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "rupert")
	tests := []struct {
		name string
		call func() error
		want failure
	}{
		{name: "AdminGetUser unknown user", call: func() error {
			_, err := f.client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(testPoolID), Username: aws.String("nobody")})
			return err
		}, want: failure{"UserNotFoundException", "User does not exist."}},
		{name: "AdminGetUser unknown pool", call: func() error {
			_, err := f.client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1_other"), Username: aws.String("rupert")})
			return err
		}, want: failure{"ResourceNotFoundException", "User pool us-east-1_other does not exist."}},
		{name: "AdminConfirmSignUp unknown user", call: func() error {
			_, err := f.client.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(testPoolID), Username: aws.String("nobody")})
			return err
		}, want: failure{"UserNotFoundException", "User does not exist."}},
		{name: "AdminConfirmSignUp confirmed user", call: func() error {
			_, err := f.client.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(testPoolID), Username: aws.String("rupert")})
			return err
		}, want: failure{"NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"}},
		{name: "AdminCreateUser taken username", call: func() error {
			_, err := f.client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
				UserPoolId: aws.String(testPoolID), Username: aws.String("RUPERT"),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("r@example.com")}},
			})
			return err
		}, want: failure{"UsernameExistsException", "User account already exists"}},
		{name: "AdminCreateUser weak temporary password", call: func() error {
			_, err := f.client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
				UserPoolId: aws.String(testPoolID), Username: aws.String("sybil"), TemporaryPassword: aws.String("short"),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("s@example.com")}},
			})
			return err
		}, want: failure{"InvalidPasswordException", "Password did not conform with policy: Password not long enough"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, failureOf(tt.call())); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdminCreateUserGeneratesPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(testPoolID), Username: aws.String("trent"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("trent@example.com")}},
	})
	if err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	sent := f.mailed()
	if len(sent) != 1 || sent[0].Username != "trent" {
		t.Fatalf("Mail calls = %+v, want the temporary password for trent", sent)
	}
	if diff := cmp.Diff(sent, f.srv.Mailbox("TRENT")); diff != "" {
		t.Errorf("Mailbox and Mail calls differ (-mail +mailbox):\n%s", diff)
	}
	if err := DefaultPasswordPolicy.check("password", sent[0].Code); err != nil {
		t.Errorf("generated temporary password breaks the policy: %v", err)
	}
	out, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(testClientID),
		AuthParameters: map[string]string{"USERNAME": "trent", "PASSWORD": sent[0].Code},
	})
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("sign-in with the mailed password: %+v, %v; want NEW_PASSWORD_REQUIRED", out, err)
	}
}
