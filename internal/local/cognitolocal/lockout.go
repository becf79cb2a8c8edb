package cognitolocal

import (
	"sync"
	"time"
)

// Cognito locks a sign-in out after repeated failures: from the fifth
// failed password in a row, each further attempt must wait, 1 s after the
// fifth and doubling up to about 15 minutes, answered NotAuthorizedException
// "Password attempts exceeded" without the password being checked. A correct
// password after the wait resets the count. Wrong confirmation codes are
// limited the same way (LimitExceededException). The counts are kept in
// memory, per username (unknown ones too, so a lockout tells nothing about
// whether a user exists), and are lost on restart, as they expire anyway.
const (
	lockoutFreeFailures = 4
	lockoutFirst        = time.Second
	lockoutMax          = 15 * time.Minute
	// lockoutMaxEntries bounds the memory a flood of made-up usernames can
	// take; the oldest entries go first.
	lockoutMaxEntries = 10_000
)

const (
	msgPasswordAttemptsExceeded = "Password attempts exceeded"
	msgAttemptLimitExceeded     = "Attempt limit exceeded, please try after some time."
	errLimitExceeded            = "LimitExceededException"
	errTooManyRequests          = "TooManyRequestsException"
)

// lockouts counts consecutive failures by key.
type lockouts struct {
	mu      sync.Mutex
	entries map[string]*lockout
}

type lockout struct {
	failures int
	until    time.Time // no attempt before
	last     time.Time
}

// locked reports whether key must wait before its next attempt.
func (l *lockouts) locked(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[key]
	return e != nil && now.Before(e.until)
}

// fail records a failed attempt of key.
func (l *lockouts) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = map[string]*lockout{}
	}
	e := l.entries[key]
	if e == nil {
		if len(l.entries) >= lockoutMaxEntries {
			l.evictOldest()
		}
		e = &lockout{}
		l.entries[key] = e
	}
	e.failures++
	e.last = now
	if over := e.failures - lockoutFreeFailures; over > 0 {
		wait := lockoutMax
		if over < 20 {
			wait = min(lockoutFirst<<(over-1), lockoutMax)
		}
		e.until = now.Add(wait)
	}
}

// succeed forgets key's failures.
func (l *lockouts) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.entries, key)
}

func (l *lockouts) evictOldest() {
	var oldest string
	var at time.Time
	for k, e := range l.entries {
		if oldest == "" || e.last.Before(at) {
			oldest, at = k, e.last
		}
	}
	delete(l.entries, oldest)
}
