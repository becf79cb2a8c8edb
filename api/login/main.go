// Command login is the Lambda behind POST /api/auth/login: sign in; the refresh token goes into an HttpOnly cookie.
package main

import (
	"github.com/eventboard/eventboard/internal/authsessions"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authsessions.Login()) }
