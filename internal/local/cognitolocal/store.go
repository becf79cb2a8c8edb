package cognitolocal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// stateFile is the name of the state file under Config.DataDir.
const stateFile = "cognito.json"

// stateVersion is the format of the state file; a file of another version is
// refused rather than misread.
const stateVersion = 1

// User statuses, as Cognito names them.
const (
	statusUnconfirmed         = "UNCONFIRMED"
	statusConfirmed           = "CONFIRMED"
	statusForceChangePassword = "FORCE_CHANGE_PASSWORD"
)

// state is everything the pool remembers. Its maps are keyed by userKey.
type state struct {
	Version int              `json:"version"`
	Users   map[string]*user `json:"users"`
	// Sessions are sign-ins, keyed by origin_jti: one refresh token and the
	// access and ID tokens issued with it or from it.
	Sessions  map[string]*session  `json:"sessions"`
	Mailboxes map[string][]Message `json:"mailboxes"`
}

type user struct {
	Username     string            `json:"username"` // as first written
	Sub          string            `json:"sub"`
	Status       string            `json:"status"`
	PasswordHash string            `json:"passwordHash"`
	Attributes   map[string]string `json:"attributes"` // besides sub
	Code         *code             `json:"code,omitempty"`
	// ResetCode is the code ForgotPassword sent a confirmed user.
	ResetCode     *code     `json:"resetCode,omitempty"`
	Created       time.Time `json:"created"`
	Modified      time.Time `json:"modified"`
	TempPwExpires time.Time `json:"temporaryPasswordExpires,omitzero"`
	// SignedOut is the last GlobalSignOut: access tokens issued before it
	// are revoked even when their sign-in is unknown here.
	SignedOut time.Time `json:"signedOut,omitzero"`
}

// code is the one valid confirmation code of an unconfirmed user, or the
// one valid password reset code of a confirmed one.
type code struct {
	Value   string    `json:"value"`
	Expires time.Time `json:"expires"`
}

// session is one sign-in. Only a digest of the refresh token is kept.
type session struct {
	User          string    `json:"user"` // userKey
	RefreshDigest string    `json:"refreshDigest"`
	EventID       string    `json:"eventId"`
	AuthTime      time.Time `json:"authTime"`
	Expires       time.Time `json:"expires"` // of the refresh token
	Revoked       bool      `json:"revoked,omitempty"`
	// Previous are the refresh tokens rotations replaced that are still
	// inside their grace period, each until its own end of it (a client's
	// retry, or a second tab, may present any of them).
	Previous map[string]time.Time `json:"previous,omitempty"`
}

// store holds the state and writes it to disk after every change.
type store struct {
	path string // "" when in memory

	mu       sync.Mutex
	state    state
	byDigest map[string]string // refresh token digest → origin_jti
}

func openStore(dir string) (*store, error) {
	st := &store{state: state{
		Version:   stateVersion,
		Users:     map[string]*user{},
		Sessions:  map[string]*session{},
		Mailboxes: map[string][]Message{},
	}}
	if dir == "" {
		st.reindex()
		return st, nil
	}
	st.path = filepath.Join(dir, stateFile)
	data, err := os.ReadFile(st.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read state: %w", err)
	default:
		if err := json.Unmarshal(data, &st.state); err != nil {
			return nil, fmt.Errorf("read state %s: %w", st.path, err)
		}
		if st.state.Version != stateVersion {
			return nil, fmt.Errorf("read state %s: version %d, want %d", st.path, st.state.Version, stateVersion)
		}
		if st.state.Users == nil {
			st.state.Users = map[string]*user{}
		}
		if st.state.Sessions == nil {
			st.state.Sessions = map[string]*session{}
		}
		if st.state.Mailboxes == nil {
			st.state.Mailboxes = map[string][]Message{}
		}
	}
	st.reindex()
	return st, nil
}

func (st *store) reindex() {
	st.byDigest = make(map[string]string, len(st.state.Sessions))
	for origin, ss := range st.state.Sessions {
		st.byDigest[ss.RefreshDigest] = origin
		for d := range ss.Previous {
			st.byDigest[d] = origin
		}
	}
}

// errUnchanged, returned by an update function, means it changed nothing: the
// update succeeds without writing the file.
var errUnchanged = errors.New("unchanged")

// update runs f on the state under the lock and, when f succeeds, drops
// sessions no token can outlive any more (those whose refresh token expired
// more than keep ago) and saves the state. When saving fails the change stays
// in memory and the error is returned.
func (st *store) update(now time.Time, keep time.Duration, f func(*state) error) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := f(&st.state); errors.Is(err, errUnchanged) {
		return nil
	} else if err != nil {
		return err
	}
	for origin, ss := range st.state.Sessions {
		if now.After(ss.Expires.Add(keep)) {
			delete(st.state.Sessions, origin)
			delete(st.byDigest, ss.RefreshDigest)
			for d := range ss.Previous {
				delete(st.byDigest, d)
			}
		}
	}
	return st.save()
}

// view runs f on the state under the lock, for reading.
func (st *store) view(f func(*state)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f(&st.state)
}

// save writes the state to a temporary file beside the state file and renames
// it into place, so the file on disk is always one whole state. Callers hold
// the lock.
func (st *store) save() error {
	if st.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(&st.state, "", "  ")
	if err != nil {
		return fmt.Errorf("cognitolocal: encode state: %w", err)
	}
	dir := filepath.Dir(st.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cognitolocal: save state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".cognito-*.json") // mode 0600: it holds password hashes
	if err != nil {
		return fmt.Errorf("cognitolocal: save state: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cognitolocal: save state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cognitolocal: save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cognitolocal: save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), st.path); err != nil {
		return fmt.Errorf("cognitolocal: save state: %w", err)
	}
	return nil
}

// maxMailPerUser bounds a mailbox: only the latest codes matter, and a loop
// of resends must not grow the state without end.
const maxMailPerUser = 10

// deliver adds msg to key's mailbox, dropping the oldest beyond
// maxMailPerUser.
func (st *state) deliver(key string, msg Message) {
	box := append(st.Mailboxes[key], msg)
	if over := len(box) - maxMailPerUser; over > 0 {
		box = append([]Message(nil), box[over:]...)
	}
	st.Mailboxes[key] = box
}

// revokeSessions revokes every sign-in of the user key: their refresh
// tokens, and the access tokens issued from them, stop working.
func (st *state) revokeSessions(key string) {
	for _, ss := range st.Sessions {
		if ss.User == key {
			ss.Revoked = true
		}
	}
}
