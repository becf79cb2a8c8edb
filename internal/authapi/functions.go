package authapi

import (
	"context"
	"time"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/cognito"
	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

// Config is what an auth Lambda reads from its environment. Logout writes
// the revocations table; GET /api/myinfo reads post counts from the counter
// table.
type Config struct {
	config.Runtime
	config.Revocations
	config.Counter
	ClientID     string `env:"COGNITO_CLIENT_ID, required"`
	ClientSecret string `env:"COGNITO_CLIENT_SECRET"` // empty: the app client has no secret
	// RefreshCookieMaxAge is the refresh cookie's lifetime; keep it at most
	// the app client's refresh-token validity.
	RefreshCookieMaxAge time.Duration `env:"REFRESH_COOKIE_MAX_AGE, default=720h"`
	// RevokeFor is how long sign-outs are remembered: at least the longest
	// access-token lifetime.
	RevokeFor time.Duration `env:"REVOKE_FOR, default=24h"`
	// ForgotAnswerAfter is the least time POST /api/auth/forgot takes,
	// whoever asked: above what sending a code takes, so a confirmed user's
	// request cannot be told from an unknown one's by its timing.
	ForgotAnswerAfter time.Duration `env:"FORGOT_ANSWER_AFTER, default=400ms"`
	// Stage is the dimension of the refresh-token reuse metric.
	Stage string `env:"STAGE, default=local"`
	// SiteOrigins are the origins, besides the API's own host, whose pages
	// may call the state-changing auth routes.
	SiteOrigins []string `env:"SITE_ORIGINS"`
}

// The auth functions, named as in serverless.yml. Each is a function, so a
// binary links the one handler it serves.
var route = lambdafn.Routes(wire)

func SignUp() lambdafn.Function         { return route("signUp", (*Handlers).SignUp) }
func ConfirmSignUp() lambdafn.Function  { return route("confirmSignUp", (*Handlers).Confirm) }
func ResendCode() lambdafn.Function     { return route("resendCode", (*Handlers).Resend) }
func ForgotPassword() lambdafn.Function { return route("forgotPassword", (*Handlers).Forgot) }
func ResetPassword() lambdafn.Function  { return route("resetPassword", (*Handlers).Reset) }
func Login() lambdafn.Function          { return route("login", (*Handlers).Login) }
func Refresh() lambdafn.Function        { return route("refresh", (*Handlers).Refresh) }
func Logout() lambdafn.Function         { return route("logout", (*Handlers).Logout) }
func MyInfo() lambdafn.Function         { return route("myInfo", (*Handlers).Me) }

// wire builds the handlers from cfg on the Cognito and DynamoDB clients of
// d.
func wire(_ context.Context, cfg Config, d lambdafn.Deps) (*Handlers, error) {
	provider, err := cognito.New(cognito.NewAPIClient(d.AWS, d.Lookup), cfg.ClientID, cfg.ClientSecret)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewClient(d.AWS, d.Lookup)
	revocations, err := dynamo.NewRevocations(db, cfg.RevocationsTable)
	if err != nil {
		return nil, err
	}
	counters, err := dynamo.NewCounters(db, cfg.CounterTable, "")
	if err != nil {
		return nil, err
	}
	h := New(auth.NewService(provider, revocations, cfg.RevokeFor, cfg.RefreshCookieMaxAge), counters, cfg.RefreshCookieMaxAge, d.Log)
	h.stage, h.forgotFloor = cfg.Stage, cfg.ForgotAnswerAfter
	return h.TrustOrigins(cfg.SiteOrigins), nil
}
