package cognito_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/eventboard/eventboard/internal/cognito/cognitotest"
	"github.com/eventboard/eventboard/internal/local/cognitolocal"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

// TestProviderLocalCognito runs the adapter contract against the local
// stack's own Cognito (package cognitolocal), in-process, with an app client
// without a secret and, on a second server, one with a secret. It has no
// gaps: it must behave as Cognito does wherever the app can tell.
func TestProviderLocalCognito(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (password hashing): skipped with -short")
	}
	t.Parallel()
	signer, err := jwtauth.LoadOrCreateSigner(filepath.Join(t.TempDir(), "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, secret string }{
		{"PublicClient", ""},
		{"SecretClient", "c0nf1dent1alappcl1entsecret0123456789abcdef"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target, triggered := localCognito(t, signer, tt.secret)
			cognitotest.Run(t, target)
			if n := triggered(); n == 0 {
				t.Error("the post confirmation trigger was never invoked with PostConfirmation_ConfirmSignUp")
			}
		})
	}
}

// localCognito serves a cognitolocal.Server on a loopback port and returns
// it as a target, with a function counting the PostConfirmation_ConfirmSignUp
// events its trigger received.
func localCognito(t *testing.T, signer *jwtauth.Signer, secret string) (cognitotest.Target, func() int) {
	t.Helper()
	const (
		poolID   = "us-east-1_eventboardTest"
		clientID = "eventboardtestclient"
	)
	ts := httptest.NewUnstartedServer(nil)
	var (
		mu        sync.Mutex
		confirmed int
	)
	srv, err := cognitolocal.New(cognitolocal.Config{
		DataDir:      t.TempDir(),
		Region:       emulator.Region,
		PoolID:       poolID,
		ClientID:     clientID,
		ClientSecret: secret,
		Issuer:       "http://" + ts.Listener.Addr().String() + "/" + poolID,
		Signer:       signer,
		// serverless.yml's UserPoolClient validities.
		AccessTokenTTL:  15 * time.Minute,
		IDTokenTTL:      15 * time.Minute,
		RefreshTokenTTL: 30 * 24 * time.Hour,
		PostConfirmation: func(_ context.Context, event []byte) ([]byte, error) {
			var e struct {
				TriggerSource string `json:"triggerSource"`
			}
			if err := json.Unmarshal(event, &e); err == nil && e.TriggerSource == "PostConfirmation_ConfirmSignUp" {
				mu.Lock()
				confirmed++
				mu.Unlock()
			}
			return event, nil
		},
	})
	if err != nil {
		t.Fatalf("cognitolocal.New: %v", err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)

	target := cognitotest.Target{
		Client:       cip.NewFromConfig(emulator.Config(), func(o *cip.Options) { o.BaseEndpoint = aws.String(ts.URL) }),
		PoolID:       poolID,
		ClientID:     clientID,
		ClientSecret: secret,
		Code: func(tb testing.TB, username string) string {
			tb.Helper()
			mail := srv.Mailbox(username)
			if len(mail) == 0 {
				tb.Fatalf("no mail for %s", username)
			}
			return mail[len(mail)-1].Code
		},
	}
	return target, func() int {
		mu.Lock()
		defer mu.Unlock()
		return confirmed
	}
}
