// Command resend is the Lambda behind POST /api/auth/resend: send a new confirmation code.
package main

import (
	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authapi.ResendCode()) }
