// Command reset is the Lambda behind POST /api/auth/reset: set a new password with the code.
package main

import (
	"github.com/eventboard/eventboard/internal/authsessions"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authsessions.ResetPassword()) }
