package authapi_test

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/httpapi/httpapitest"
	"github.com/eventboard/eventboard/internal/inmem"
)

func apiDocs(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docs/api.md said sign-up does not reveal whether a username exists, and
// sign-up answered 409 USERNAME_EXISTS. The honest answer is a documented
// limit, and the code answers as the docs say.
func TestSignUpTellsATakenUsernameAsDocumented(t *testing.T) {
	t.Parallel()
	docs := apiDocs(t)
	if strings.Contains(docs, "Sign-up, confirm, resend and login do not tell") {
		t.Error("docs/api.md still claims sign-up does not tell whether a username exists")
	}
	for _, want := range []string{"| 409 | `USERNAME_EXISTS` |", "**Limit: sign-up tells whether a username is taken.**"} {
		if !strings.Contains(docs, want) {
			t.Errorf("docs/api.md lacks %q", want)
		}
	}
	req := fixture(t, "login.json")
	req.RouteKey, req.RawPath, req.RequestContext.HTTP.Path = "POST /api/auth/signup", "/api/auth/signup", "/api/auth/signup"
	req.Body = `{"username":"alice","email":"alice@example.com","password":"Corr3ct-Horse!"}`
	resp := httpapitest.Invoke(t, handlers(&fakeIDP{signUpErr: auth.ErrUsernameExists}, inmem.NewRevocations()).SignUp, req)
	if resp.StatusCode != 409 || code(t, resp) != "USERNAME_EXISTS" {
		t.Errorf("sign-up of a taken username: %d %s, docs say 409 USERNAME_EXISTS", resp.StatusCode, resp.Body)
	}
}

// Sign-outs done through Cognito directly are not honoured by writes until
// the token expires: a documented limit, whose bound is the access token
// lifetime serverless.yml gives the app client.
func TestDocumentedSignOutLimitMatchesTheAccessTokenLifetime(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../serverless.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources struct {
			Resources struct {
				UserPoolClient struct {
					Properties struct {
						AccessTokenValidity int `yaml:"AccessTokenValidity"`
						TokenValidityUnits  struct {
							AccessToken string `yaml:"AccessToken"`
						} `yaml:"TokenValidityUnits"`
					} `yaml:"Properties"`
				} `yaml:"UserPoolClient"`
			} `yaml:"Resources"`
		} `yaml:"resources"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Resources.Resources.UserPoolClient.Properties
	if p.AccessTokenValidity != 15 || p.TokenValidityUnits.AccessToken != "minutes" {
		t.Fatalf("access tokens live %d %s; docs/api.md says at most 15 minutes", p.AccessTokenValidity, p.TokenValidityUnits.AccessToken)
	}
	docs := apiDocs(t)
	for _, want := range []string{"**Limit: sign-outs made outside the API.**", "at most 15 minutes (`AccessTokenValidity`)"} {
		if !strings.Contains(docs, want) {
			t.Errorf("docs/api.md lacks %q", want)
		}
	}
	// What the docs promise at once: myinfo asks Cognito, so a token Cognito
	// signed out is refused there.
	resp := httpapitest.Invoke(t, handlers(&fakeIDP{getUserErr: auth.ErrNotAuthorized}, inmem.NewRevocations()).Me, fixture(t, "myinfo.json"))
	if resp.StatusCode != 401 || code(t, resp) != "TOKEN_REVOKED" {
		t.Errorf("myinfo with a token Cognito signed out: %d %s", resp.StatusCode, resp.Body)
	}
}
