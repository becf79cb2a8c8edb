package cognitolocal

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/scrypt"
)

// PasswordPolicy is a user pool's password policy.
type PasswordPolicy struct {
	MinLength        int // 0 means 8
	RequireLowercase bool
	RequireUppercase bool
	RequireNumbers   bool
	RequireSymbols   bool
}

// DefaultPasswordPolicy is Cognito's default policy: at least 8 characters
// with a lowercase and an uppercase letter, a digit and a symbol.
var DefaultPasswordPolicy = PasswordPolicy{
	MinLength:        8,
	RequireLowercase: true,
	RequireUppercase: true,
	RequireNumbers:   true,
	RequireSymbols:   true,
}

// maxPasswordLength is the longest password Cognito's API accepts.
const maxPasswordLength = 256

// passwordSymbols are the characters Cognito counts as symbols; a space
// inside the password counts too.
const passwordSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// check returns InvalidParameterException for a password the API refuses
// outright and InvalidPasswordException, naming the first rule broken, for
// one the policy refuses. Letters and digits are the basic Latin ones, as in
// Cognito.
func (p PasswordPolicy) check(member, password string) error {
	if password == "" {
		return missingParameter(member)
	}
	if n := len([]rune(password)); n > maxPasswordLength {
		return newError(errInvalidParameter,
			"1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d",
			member, maxPasswordLength)
	}
	if strings.TrimSpace(password) != password {
		return newError(errInvalidParameter,
			`1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\S]+.*[\S]+$`,
			member)
	}
	minLength := p.MinLength
	if minLength == 0 {
		minLength = DefaultPasswordPolicy.MinLength
	}
	has := func(in func(r rune) bool) bool { return strings.ContainsFunc(password, in) }
	var broken string
	switch {
	case len([]rune(password)) < minLength:
		broken = "Password not long enough"
	case p.RequireLowercase && !has(func(r rune) bool { return 'a' <= r && r <= 'z' }):
		broken = "Password must have lowercase characters"
	case p.RequireUppercase && !has(func(r rune) bool { return 'A' <= r && r <= 'Z' }):
		broken = "Password must have uppercase characters"
	case p.RequireNumbers && !has(func(r rune) bool { return '0' <= r && r <= '9' }):
		broken = "Password must have numeric characters"
	case p.RequireSymbols && !has(func(r rune) bool { return strings.ContainsRune(passwordSymbols, r) }):
		broken = "Password must have symbol characters"
	default:
		return nil
	}
	return newError(errInvalidPassword, "Password did not conform with policy: %s", broken)
}

// scrypt parameters of new password hashes. The stored hash records them, so
// changing them leaves existing hashes verifiable. Tests lower scryptLogN.
var scryptLogN = scryptCost(os.Getenv("EVENTBOARD_LOCAL_SCRYPT_LOGN"))

// scryptCost is log2 of scrypt's N: 15 (32 MiB and about 0.1 s a hash, as a
// real pool's work), or v when it is a whole number from 10 to 15. A test
// process that runs dozens of stacks at once under the race detector sets
// EVENTBOARD_LOCAL_SCRYPT_LOGN lower: there each hash takes over a second,
// and the bounded hashing answered their sign-ups 429 on a busy machine.
// It is read once, at start.
func scryptCost(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n >= 10 && n <= 15 {
		return n
	}
	return 15
}

const (
	scryptR      = 8
	scryptP      = 1
	scryptKeyLen = 32
	saltLen      = 16
)

// scryptSlots bounds how many scrypt hashes run at once, process-wide: each
// takes 32 MiB at ln=15, so 128 concurrent sign-ins took the local stack to
// 4 GB. A caller waits up to scryptWait for a slot, then is told to slow
// down (TooManyRequestsException), as Cognito answers a flood.
var scryptSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// scryptWait is how long a hash waits for a slot.
var scryptWait = 2 * time.Second

// errScryptBusy is the answer when no scrypt slot came free in time.
var errScryptBusy = newError(errTooManyRequests, "Too many requests, please try again later.")

// withScrypt runs fn holding a scrypt slot, or returns errScryptBusy.
func withScrypt(fn func()) error {
	timer := time.NewTimer(scryptWait)
	defer timer.Stop()
	select {
	case scryptSlots <- struct{}{}:
	case <-timer.C:
		return errScryptBusy
	}
	defer func() { <-scryptSlots }()
	fn()
	return nil
}

// hashPassword returns an scrypt hash of password (rawHash), or
// errScryptBusy.
func hashPassword(password string) (hash string, err error) {
	if busy := withScrypt(func() { hash, err = rawHash(password) }); busy != nil {
		return "", busy
	}
	return hash, err
}

// rawHash returns an scrypt hash of password in the form
// $scrypt$ln=15,r=8,p=1$<salt>$<key>, salt and key in unpadded base64,
// without waiting for a slot.
func rawHash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := scrypt.Key([]byte(password), salt, 1<<scryptLogN, scryptR, scryptP, scryptKeyLen)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$scrypt$ln=%d,r=%d,p=%d$%s$%s",
		scryptLogN, scryptR, scryptP, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// passwordMatches reports whether password hashes to hash. A malformed hash
// matches nothing. The error is errScryptBusy.
func passwordMatches(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 5 || parts[0] != "" || parts[1] != "scrypt" {
		return false, nil
	}
	var logN, r, p int
	if _, err := fmt.Sscanf(parts[2], "ln=%d,r=%d,p=%d", &logN, &r, &p); err != nil || logN < 1 || logN > 30 {
		return false, nil
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[3])
	if err != nil {
		return false, nil
	}
	want, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, nil
	}
	var got []byte
	if busy := withScrypt(func() { got, err = scrypt.Key([]byte(password), salt, 1<<logN, r, p, len(want)) }); busy != nil {
		return false, busy
	}
	if err != nil {
		return false, nil
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// decoyHash is checked against the password of a sign-in for an unknown user,
// so that such a sign-in takes as long as one with a wrong password.
var decoyHash = sync.OnceValue(func() string {
	h, err := rawHash("decoy password, never a user's")
	if err != nil {
		return ""
	}
	return h
})

// temporaryPassword returns a random password of length characters (at least
// 4) that satisfies any policy with that minimum length: it cycles through
// lowercase and uppercase letters, digits and symbols.
func temporaryPassword(length int) (string, error) {
	const (
		lower  = "abcdefghijkmnopqrstuvwxyz"
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits = "23456789"
		sym    = "!#%&*+-=?@^_"
	)
	classes := []string{lower, upper, digits, sym}
	buf := make([]byte, max(length, len(classes)))
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	out := make([]byte, len(buf))
	for i, b := range buf {
		set := classes[i%len(classes)]
		out[i] = set[int(b)%len(set)]
	}
	return string(out), nil
}
