package authapi

import (
	"context"
	"errors"
	"time"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/cognito"
	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

// Config is what an auth Lambda reads from its environment. The functions
// that keep sessions or read counters read their tables too
// (authsessions.Config).
type Config struct {
	config.Runtime
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

// The auth functions that only talk to Cognito, named as in serverless.yml.
// Each is a function, so a binary links the one handler it serves. They
// link no DynamoDB client: none of them reads or writes a session or a
// counter, and the client's package init (its endpoint table's regexps and
// partition maps) would run in each of their cold starts. The functions
// that do (resetPassword, which signs out everywhere, login, refresh,
// logout and myInfo) are in package authsessions, which links it.
var cognitoOnly = lambdafn.Routes(wireCognitoOnly)

func SignUp() lambdafn.Function         { return cognitoOnly("signUp", (*Handlers).SignUp) }
func ConfirmSignUp() lambdafn.Function  { return cognitoOnly("confirmSignUp", (*Handlers).Confirm) }
func ResendCode() lambdafn.Function     { return cognitoOnly("resendCode", (*Handlers).Resend) }
func ForgotPassword() lambdafn.Function { return cognitoOnly("forgotPassword", (*Handlers).Forgot) }

// wireCognitoOnly builds the handlers from cfg on the Cognito client of d,
// with revocations and counters that keep nothing.
func wireCognitoOnly(_ context.Context, cfg Config, d lambdafn.Deps) (*Handlers, error) {
	return Wire(cfg, d, noStore{}, noStore{})
}

// Wire builds the handlers from cfg on the Cognito client of d, revocations
// and counters. It is what every auth function shares.
func Wire(cfg Config, d lambdafn.Deps, revocations auth.Revocations, counters counter.ValueReader) (*Handlers, error) {
	provider, err := cognito.New(cognito.NewAPIClient(d.AWS, d.Lookup), cfg.ClientID, cfg.ClientSecret)
	if err != nil {
		return nil, err
	}
	h := New(auth.NewService(provider, revocations, cfg.RevokeFor, cfg.RefreshCookieMaxAge), counters, cfg.RefreshCookieMaxAge, d.Log)
	h.stage, h.forgotFloor = cfg.Stage, cfg.ForgotAnswerAfter
	return h.TrustOrigins(cfg.SiteOrigins), nil
}

// noStore is the revocations and counters of a function that keeps no
// session and reads no counter. Should a call ever reach it, it fails, and
// a session it is asked about counts as revoked.
type noStore struct{}

var errNoStore = errors.New("authapi: a Cognito-only function keeps no sessions or counters")

func (noStore) RevokeSession(context.Context, string, time.Time) error             { return errNoStore }
func (noStore) RevokeUser(context.Context, string, time.Time, time.Time) error     { return errNoStore }
func (noStore) SessionStarted(context.Context, string, time.Time, time.Time) error { return errNoStore }
func (noStore) IsRevoked(context.Context, auth.Session) (bool, error)              { return true, errNoStore }
func (noStore) RecordRotation(context.Context, string, auth.Rotation, time.Time) error {
	return errNoStore
}
func (noStore) RotatedFrom(context.Context, string) (auth.Rotation, bool, error) {
	return auth.Rotation{}, false, errNoStore
}
func (noStore) Value(context.Context, string) (int64, error) { return 0, errNoStore }
