// Command forgot is the Lambda behind POST /api/auth/forgot: send a code to reset a forgotten password.
package main

import (
	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authapi.ForgotPassword()) }
