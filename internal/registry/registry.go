// Package registry lists Eventboard's Lambda functions: each
// declared function once, with the main package that deploys it. The local
// stack, the build script (through `eventboard functions`) and the tests
// read it; a test fails when it and serverless.yml disagree.
//
// Only they import it: it links every function, and so every SDK client,
// where a Lambda binary links its own function alone.
package registry

import (
	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/authsessions"
	"github.com/eventboard/eventboard/internal/confirmtrigger"
	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/outboxsweeper"
	"github.com/eventboard/eventboard/internal/postapi"
	"github.com/eventboard/eventboard/internal/postwrites"
	"github.com/eventboard/eventboard/internal/statsapi"
	"github.com/eventboard/eventboard/internal/warmer"
)

// Entry is one function and its main package.
type Entry struct {
	lambdafn.Function
	// Main is the package (relative to the module root) whose main.go
	// calls lambdafn.Main with Function.
	Main string
}

// All lists every function, in serverless.yml's order.
var All = []Entry{
	{postapi.ListPosts(), "./api/listposts"},
	{postapi.GetPost(), "./api/getpost"},
	{postwrites.CreatePost(), "./api/createpost"},
	{postwrites.UpdatePost(), "./api/updatepost"},
	{postwrites.DeletePost(), "./api/deletepost"},
	{authapi.SignUp(), "./api/signup"},
	{authapi.ConfirmSignUp(), "./api/confirm"},
	{authapi.ResendCode(), "./api/resend"},
	{authapi.ForgotPassword(), "./api/forgot"},
	{authsessions.ResetPassword(), "./api/reset"},
	{authsessions.Login(), "./api/login"},
	{authsessions.Refresh(), "./api/refresh"},
	{authsessions.Logout(), "./api/logout"},
	{authsessions.MyInfo(), "./api/myinfo"},
	{confirmtrigger.PostConfirmation(), "./workers/postconfirm"},
	{statsapi.GetStats(), "./api/stats"},
	{counterworker.CounterWorker(), "./workers/counter"},
	{outboxsweeper.OutboxSweeper(), "./schedules/outboxsweeper"},
	{warmer.Warmer(), "./schedules/warmer"},
}

// ByName returns the function serverless.yml names name.
func ByName(name string) (Entry, bool) {
	for _, e := range All {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}
