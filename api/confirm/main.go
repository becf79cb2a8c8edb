// Command confirm is the Lambda behind POST /api/auth/confirm: confirm a sign-up with its code.
package main

import (
	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authapi.ConfirmSignUp()) }
