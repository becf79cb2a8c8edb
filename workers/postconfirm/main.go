// Command postconfirm is the Cognito post-confirmation trigger: it records
// each user who confirms their sign-up.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postconfirm"
)

func main() { lambdafn.Main(postconfirm.PostConfirmation()) }
