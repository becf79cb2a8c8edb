// Command signup is the Lambda behind POST /api/auth/signup: register a user; a confirmation code goes to their e-mail.
package main

import (
	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authapi.SignUp()) }
