// Command postconfirm is the Cognito post-confirmation trigger: it records
// each user who confirms their sign-up.
package main

import (
	"github.com/eventboard/eventboard/internal/confirmtrigger"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() { lambdafn.Main(confirmtrigger.PostConfirmation()) }
