// Command logout is the Lambda behind POST /api/auth/logout: revoke the session and clear the cookie.
package main

import (
	"github.com/eventboard/eventboard/internal/authsessions"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authsessions.Logout()) }
