// Package authsessions declares the auth functions that read or write
// DynamoDB: resetPassword (which signs out everywhere), login, refresh and
// logout, which record and check sessions in the revocations table, and
// myInfo, which reads the post counters. Their handlers are package
// authapi's. They are declared apart from the functions that only talk to
// Cognito so that only they link the DynamoDB client (see
// authapi.ForgotPassword).
package authsessions

import (
	"context"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

// Config is what these functions read from their environment: the auth
// functions' configuration, and the tables where logout, refresh and reset
// record sign-outs and GET /api/myinfo reads post counts.
type Config struct {
	authapi.Config
	config.Revocations
	config.Counter
}

// The auth functions that keep sessions or read counters, named as in
// serverless.yml. Each is a function, so a binary links the one handler it
// serves.
var route = lambdafn.Routes(wire)

func ResetPassword() lambdafn.Function { return route("resetPassword", (*authapi.Handlers).Reset) }
func Login() lambdafn.Function         { return route("login", (*authapi.Handlers).Login) }
func Refresh() lambdafn.Function       { return route("refresh", (*authapi.Handlers).Refresh) }
func Logout() lambdafn.Function        { return route("logout", (*authapi.Handlers).Logout) }
func MyInfo() lambdafn.Function        { return route("myInfo", (*authapi.Handlers).Me) }

// wire builds the handlers from cfg on the Cognito and DynamoDB clients of
// d.
func wire(_ context.Context, cfg Config, d lambdafn.Deps) (*authapi.Handlers, error) {
	db := dynamo.NewClient(d.AWS, d.Lookup)
	revocations, err := dynamo.NewRevocations(db, cfg.RevocationsTable)
	if err != nil {
		return nil, err
	}
	counters, err := dynamo.NewCounters(db, cfg.CounterTable, "")
	if err != nil {
		return nil, err
	}
	return authapi.Wire(cfg.Config, d, revocations, counters)
}
