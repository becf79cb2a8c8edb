package cognito_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/eventboard/eventboard/internal/cognito/cognitotest"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
)

// cognitoLocalGaps are where cognito-local 5.3.0 departs from Cognito
// (docs/cognito.md).
var cognitoLocalGaps = cognitotest.Gaps{
	NoResendConfirmationCode:          "cognito-local 5.3.0 lacks ResendConfirmationCode",
	NoGlobalSignOut:                   "cognito-local 5.3.0 lacks GlobalSignOut",
	CaseSensitiveUsernames:            "cognito-local 5.3.0 ignores UsernameConfiguration.CaseSensitive=false",
	NoPasswordPolicy:                  "cognito-local 5.3.0 does not enforce the password policy",
	NoSecretHashCheck:                 "cognito-local 5.3.0 does not check SECRET_HASH",
	EmailUnverifiedAfterConfirm:       "cognito-local 5.3.0 leaves email_verified false after ConfirmSignUp",
	RevokeKeepsAccessTokens:           "cognito-local 5.3.0 revokes only the refresh token (its access tokens have no origin_jti)",
	ForgotPasswordRevealsUnknownUsers: "cognito-local 5.3.0 answers UserNotFoundException for an unknown user",
}

// TestProviderCognitoLocal runs the adapter contract against cognito-local,
// started by scripts/cognito-local.sh, with the pool and app clients
// serverless.yml declares, created here through the SDK.
func TestProviderCognitoLocal(t *testing.T) {
	endpoint := os.Getenv("COGNITO_LOCAL_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("REQUIRE_COGNITO_LOCAL") == "1" {
			t.Fatal("REQUIRE_COGNITO_LOCAL=1 but COGNITO_LOCAL_ENDPOINT is unset")
		}
		t.Skip("COGNITO_LOCAL_ENDPOINT is unset; run through scripts/cognito-local.sh")
	}
	code := os.Getenv("COGNITO_LOCAL_CODE")
	if code == "" {
		code = "123456"
	}
	client := cip.NewFromConfig(emulator.Config(), func(o *cip.Options) { o.BaseEndpoint = aws.String(endpoint) })
	pool := userPool()
	pool.PoolName = aws.String("eventboard-test-" + t.Name())
	created, err := client.CreateUserPool(t.Context(), pool)
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID := aws.ToString(created.UserPool.Id)

	newAppClient := func(name string, secret bool) (id, clientSecret string) {
		in := *appClient()
		in.UserPoolId = aws.String(poolID)
		in.ClientName = aws.String(name)
		in.GenerateSecret = secret
		out, err := client.CreateUserPoolClient(t.Context(), &in)
		if err != nil {
			t.Fatalf("CreateUserPoolClient %s: %v", name, err)
		}
		return aws.ToString(out.UserPoolClient.ClientId), aws.ToString(out.UserPoolClient.ClientSecret)
	}
	target := func(clientID, secret string) cognitotest.Target {
		return cognitotest.Target{
			Client:       client,
			PoolID:       poolID,
			ClientID:     clientID,
			ClientSecret: secret,
			Code:         func(testing.TB, string) string { return code },
			Gaps:         cognitoLocalGaps,
		}
	}

	t.Run("PublicClient", func(t *testing.T) {
		id, _ := newAppClient("spa", false)
		cognitotest.Run(t, target(id, ""))
	})
	t.Run("SecretClient", func(t *testing.T) {
		id, secret := newAppClient("confidential", true)
		if secret == "" {
			t.Fatal("CreateUserPoolClient with GenerateSecret returned no secret")
		}
		cognitotest.Run(t, target(id, secret))
	})
}

// userPool and appClient are the settings of serverless.yml's user pool and
// app client that decide how the pool answers (password policy, username
// and attribute settings, auth flows, token validity, revocation), as
// CreateUserPool and CreateUserPoolClient inputs.
// TestUserPoolMatchesServerless keeps them in step with the file.
func userPool() *cip.CreateUserPoolInput {
	return &cip.CreateUserPoolInput{
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength:                 aws.Int32(8),
			RequireLowercase:              true,
			RequireUppercase:              true,
			RequireNumbers:                true,
			RequireSymbols:                true,
			TemporaryPasswordValidityDays: 7,
		}},
		UsernameConfiguration:  &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{{
			Name:              aws.String("email"),
			AttributeDataType: types.AttributeDataTypeString,
			Required:          aws.Bool(true),
			Mutable:           aws.Bool(true),
		}},
	}
}

func appClient() *cip.CreateUserPoolClientInput {
	return &cip.CreateUserPoolClientInput{
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		EnableTokenRevocation:      aws.Bool(true),
		AccessTokenValidity:        aws.Int32(15),
		IdTokenValidity:            aws.Int32(15),
		RefreshTokenValidity:       30,
		TokenValidityUnits: &types.TokenValidityUnitsType{
			AccessToken:  types.TimeUnitsTypeMinutes,
			IdToken:      types.TimeUnitsTypeMinutes,
			RefreshToken: types.TimeUnitsTypeDays,
		},
	}
}

// TestUserPoolMatchesServerless checks userPool and appClient against
// serverless.yml, whose CloudFormation properties share the API's names.
func TestUserPoolMatchesServerless(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "test"})
	if err != nil {
		// package manifest's own tests report a file that does not load.
		t.Skipf("serverless.yml does not load: %v", err)
	}
	pool := &cip.CreateUserPoolInput{}
	fromProperties(t, m, "AWS::Cognito::UserPool", pool, "Policies", "UsernameAttributes", "AliasAttributes",
		"UsernameConfiguration", "AutoVerifiedAttributes", "Schema", "MfaConfiguration")
	if pool.Policies == nil {
		// No policy in the file is Cognito's default, which userPool spells out.
		pool.Policies = userPool().Policies
	}
	client := &cip.CreateUserPoolClientInput{}
	fromProperties(t, m, "AWS::Cognito::UserPoolClient", client, "ExplicitAuthFlows", "PreventUserExistenceErrors",
		"EnableTokenRevocation", "AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity",
		"TokenValidityUnits", "GenerateSecret")
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"AWS::Cognito::UserPool", pool, userPool()},
		{"AWS::Cognito::UserPoolClient", client, appClient()},
	} {
		got, want := mustJSON(t, c.got), mustJSON(t, c.want)
		if got != want {
			t.Errorf("serverless.yml %s:\n%s\nthe test creates:\n%s", c.name, got, want)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fromProperties decodes the named properties of the one resource of type
// typ into v, an SDK input, through JSON.
func fromProperties(t *testing.T, m *manifest.Manifest, typ string, v any, names ...string) {
	t.Helper()
	var found []manifest.Resource
	for _, r := range m.Resources {
		if r.Type == typ {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("serverless.yml has %d %s resources, want 1", len(found), typ)
	}
	r := found[0]
	props := map[string]any{}
	for _, name := range names {
		if p, ok := r.Properties[name]; ok {
			props[name] = p
		}
	}
	b, err := json.Marshal(props)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		t.Fatalf("serverless.yml %s %s properties %s: %v", typ, r.LogicalID, fmt.Sprint(names), err)
	}
}
