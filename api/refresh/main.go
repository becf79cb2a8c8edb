// Command refresh is the Lambda behind POST /api/auth/refresh: new access and ID tokens from the refresh cookie.
package main

import (
	"github.com/eventboard/eventboard/internal/authsessions"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authsessions.Refresh()) }
