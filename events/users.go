package events

import (
	"time"
)

// UserConfirmed is the data of a UserConfirmed event: a user confirmed the
// sign-up (Cognito's PostConfirmation_ConfirmSignUp), so the account can
// sign in. The e-mail address stays out: subscribers that need it must ask
// for it, not collect it from the bus.
type UserConfirmed struct {
	UserID      string    `json:"userId" check:"uuid"`       // the user's Cognito sub, a lower-case UUID
	Username    string    `json:"username" check:"notEmpty"` // the username
	ConfirmedAt time.Time `json:"confirmedAt"`               // UTC, to the millisecond
}

// Source is SourceUsers.
func (UserConfirmed) Source() string { return SourceUsers }

// DetailType is DetailTypeUserConfirmed.
func (UserConfirmed) DetailType() string { return DetailTypeUserConfirmed }

func (UserConfirmed) isData() {}
