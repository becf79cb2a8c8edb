// Command myinfo is the Lambda behind GET /api/myinfo: who the caller is.
package main

import (
	"github.com/eventboard/eventboard/internal/authsessions"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(authsessions.MyInfo()) }
