package events

import (
	"time"
)

// UserConfirmed is the data of a UserConfirmed event: a user confirmed the
// sign-up (Cognito's PostConfirmation_ConfirmSignUp), so the account can
// sign in. The e-mail address stays out: subscribers that need it must ask
// for it, not collect it from the bus.
type UserConfirmed struct {
	UserID      string    `json:"userId"`      // the user's Cognito sub, a lower-case UUID
	Username    string    `json:"username"`    // the username
	ConfirmedAt time.Time `json:"confirmedAt"` // UTC, to the millisecond
}

// Source is SourceUsers.
func (UserConfirmed) Source() string { return SourceUsers }

// DetailType is DetailTypeUserConfirmed.
func (UserConfirmed) DetailType() string { return DetailTypeUserConfirmed }

func (d UserConfirmed) check(prefix string, p *problems) {
	checkID(prefix+"userId", d.UserID, p)
	checkNotEmpty(prefix+"username", d.Username, p)
	checkTime(prefix+"confirmedAt", d.ConfirmedAt, p)
}
