package dlq

import "time"

// SetReceiveHide sets receiveHide for the duration of a test.
func SetReceiveHide(d time.Duration) (restore func()) {
	old := receiveHide
	receiveHide = d
	return func() { receiveHide = old }
}
