package cognitolocal

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func (f *fixture) getTokens(refreshToken string) (*types.AuthenticationResultType, error) {
	out, err := f.client.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
		ClientId: aws.String(testClientID), RefreshToken: aws.String(refreshToken),
	})
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

// The refresh token never rotated: with the app client's rotation on, each
// refresh issues a new one, and the old one is refused after the grace
// period, as Cognito's GetTokensFromRefreshToken does.
func TestRefreshRotatesTheTokenAndRefusesTheOldAfterTheGracePeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *Config) { c.RotateRefreshTokens, c.RefreshGracePeriod = true, 10*time.Second })
	f.confirmedUser(t, "ken")
	login := f.login(t, "ken")
	first := aws.ToString(login.RefreshToken)

	res, err := f.getTokens(first)
	if err != nil {
		t.Fatal(err)
	}
	second := aws.ToString(res.RefreshToken)
	if second == "" || second == first {
		t.Fatalf("no new refresh token: %q", second)
	}
	// A rotation keeps the session (origin_jti), so revocations still apply.
	if got, want := claimsOf(t, aws.ToString(res.AccessToken))["origin_jti"], claimsOf(t, aws.ToString(login.AccessToken))["origin_jti"]; got != want {
		t.Errorf("origin_jti after rotation %v, want the session's %v", got, want)
	}
	// Within the grace period the old token still renews (a client retry),
	// without rotating again.
	f.clock.Advance(5 * time.Second)
	retry, err := f.getTokens(first)
	if err != nil || aws.ToString(retry.RefreshToken) != "" {
		t.Fatalf("retry within the grace period: %+v, %v", retry, err)
	}
	// After it, the old token is refused; the new one works, and rotates.
	f.clock.Advance(6 * time.Second)
	if _, err := f.getTokens(first); failureOf(err) != (failure{errNotAuthorized, msgInvalidRefreshToken}) {
		t.Errorf("old token after the grace period: %v", err)
	}
	third, err := f.getTokens(second)
	if err != nil || aws.ToString(third.RefreshToken) == "" || aws.ToString(third.RefreshToken) == second {
		t.Fatalf("new token: %+v, %v", third, err)
	}
	// Revoking the latest token ends the whole session.
	if _, err := f.client.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(testClientID), Token: third.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.getTokens(aws.ToString(third.RefreshToken)); failureOf(err).Code != errNotAuthorized {
		t.Errorf("revoked token: %v", err)
	}
}

func TestGetTokensFromRefreshTokenWithoutRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "liam")
	first := aws.ToString(f.login(t, "liam").RefreshToken)
	for range 2 {
		res, err := f.getTokens(first)
		if err != nil || aws.ToString(res.RefreshToken) != "" || aws.ToString(res.AccessToken) == "" {
			t.Fatalf("refresh without rotation: %+v, %v", res, err)
		}
	}
}
