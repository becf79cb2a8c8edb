package cognitolocal

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"
)

const testSecret = "k3yf0rth3l0calc1i3ntabcdefghijklmnop"

func TestSecretHash(t *testing.T) {
	t.Parallel()
	// Computed independently:
	// printf aliceclient | openssl dgst -sha256 -hmac secret -binary | base64
	if got, want := secretHash("secret", "alice", "client"), "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="; got != want {
		t.Errorf("secretHash = %q, want %q", got, want)
	}
}

func TestClientSecret(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withSecret(testSecret))
	f.confirmedUser(t, "Zoe") // the helpers send the right SECRET_HASH
	res := f.login(t, "Zoe")

	noHash := failure{"NotAuthorizedException", "Client eventboardlocalclient is configured with secret but SECRET_HASH was not received"}
	badHash := failure{"NotAuthorizedException", "Unable to verify secret hash for client eventboardlocalclient"}
	hashFor := func(username string) string { return secretHash(testSecret, username, testClientID) }
	wrong := secretHash("another secret", "zoe", testClientID)

	tests := []struct {
		name string
		call func() error
		want failure
	}{
		{name: "SignUp without hash", call: func() error {
			_, err := f.client.SignUp(ctx, signUpInput("newbie", ""))
			return err
		}, want: noHash},
		{name: "SignUp with a wrong hash", call: func() error {
			_, err := f.client.SignUp(ctx, signUpInput("newbie", wrong))
			return err
		}, want: badHash},
		{name: "SignUp with the hash of another username", call: func() error {
			_, err := f.client.SignUp(ctx, signUpInput("newbie", hashFor("zoe")))
			return err
		}, want: badHash},
		{name: "ConfirmSignUp without hash", call: func() error {
			_, err := f.client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
				ClientId: aws.String(testClientID), Username: aws.String("zoe"), ConfirmationCode: aws.String("123456"),
			})
			return err
		}, want: noHash},
		{name: "ResendConfirmationCode with a wrong hash", call: func() error {
			_, err := f.client.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{
				ClientId: aws.String(testClientID), Username: aws.String("zoe"), SecretHash: aws.String(wrong),
			})
			return err
		}, want: badHash},
		{name: "sign-in without hash", call: func() error {
			_, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
				AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(testClientID),
				AuthParameters: map[string]string{"USERNAME": "zoe", "PASSWORD": testPassword},
			})
			return err
		}, want: noHash},
		{name: "sign-in with a wrong hash", call: func() error {
			_, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
				AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(testClientID),
				AuthParameters: map[string]string{"USERNAME": "zoe", "PASSWORD": testPassword, "SECRET_HASH": wrong},
			})
			return err
		}, want: badHash},
		{name: "sign-in with the hash of the typed username", call: func() error {
			_, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
				AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(testClientID),
				AuthParameters: map[string]string{"USERNAME": "ZOE", "PASSWORD": testPassword, "SECRET_HASH": hashFor("ZOE")},
			})
			return err
		}},
		{name: "refresh without hash", call: func() error {
			_, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
				AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(testClientID),
				AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(res.RefreshToken)},
			})
			return err
		}, want: noHash},
		{name: "refresh with a wrong hash", call: func() error {
			_, err := f.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
				AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(testClientID),
				AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(res.RefreshToken), "SECRET_HASH": wrong},
			})
			return err
		}, want: badHash},
		{name: "refresh with the hash of the stored username", call: func() error {
			_, err := f.refreshErr("Zoe", aws.ToString(res.RefreshToken))
			return err
		}},
		{name: "RevokeToken without the client secret", call: func() error {
			_, err := f.client.RevokeToken(ctx, &cip.RevokeTokenInput{
				ClientId: aws.String(testClientID), Token: res.RefreshToken,
			})
			return err
		}, want: failure{"UnauthorizedException", "Client authentication failed: the client secret is missing or wrong."}},
		{name: "RevokeToken with a wrong client secret", call: func() error {
			_, err := f.client.RevokeToken(ctx, &cip.RevokeTokenInput{
				ClientId: aws.String(testClientID), Token: res.RefreshToken, ClientSecret: aws.String("wrong" + testSecret),
			})
			return err
		}, want: failure{"UnauthorizedException", "Client authentication failed: the client secret is missing or wrong."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, failureOf(tt.call())); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("RevokeToken with the client secret", func(t *testing.T) {
		t.Parallel()
		g := newFixture(t, withSecret(testSecret))
		g.confirmedUser(t, "amy")
		res := g.login(t, "amy")
		_, err := g.client.RevokeToken(ctx, &cip.RevokeTokenInput{
			ClientId: aws.String(testClientID), Token: res.RefreshToken, ClientSecret: aws.String(testSecret),
		})
		if err != nil {
			t.Fatalf("RevokeToken: %v", err)
		}
		if _, err := g.refreshErr("amy", aws.ToString(res.RefreshToken)); cmp.Diff(revokedRefresh, failureOf(err)) != "" {
			t.Errorf("refresh after RevokeToken: %v, want %v", err, revokedRefresh)
		}
	})
}

func signUpInput(username, hash string) *cip.SignUpInput {
	in := &cip.SignUpInput{
		ClientId:       aws.String(testClientID),
		Username:       aws.String(username),
		Password:       aws.String(testPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(username + "@example.com")}},
	}
	if hash != "" {
		in.SecretHash = aws.String(hash)
	}
	return in
}
