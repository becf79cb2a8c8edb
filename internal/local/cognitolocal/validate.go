package cognitolocal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

// usernamePattern is the Username constraint of Cognito's API.
var usernamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)

const maxUsernameLength = 128

// checkUsername applies Cognito's constraints on a Username: 1 to 128
// characters, letters, marks, symbols, numbers and punctuation only (so no
// white space or control characters).
func checkUsername(username string) error {
	switch {
	case username == "":
		return missingParameter("username")
	case utf8.RuneCountInString(username) > maxUsernameLength:
		return newError(errInvalidParameter,
			"1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to %d",
			maxUsernameLength)
	case !usernamePattern.MatchString(username):
		return newError(errInvalidParameter,
			`1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
	}
	return nil
}

// Attribute names with a meaning here.
const (
	attrSub           = "sub"
	attrEmail         = "email"
	attrEmailVerified = "email_verified"
	attrUserStatus    = "cognito:user_status"
)

// standardAttributes are the pool's schema: Cognito's standard attributes.
// The pool has no custom attributes.
var standardAttributes = map[string]bool{
	"address": true, "birthdate": true, "email": true, "email_verified": true,
	"family_name": true, "gender": true, "given_name": true, "locale": true,
	"middle_name": true, "name": true, "nickname": true, "phone_number": true,
	"phone_number_verified": true, "picture": true, "preferred_username": true,
	"profile": true, "updated_at": true, "website": true, "zoneinfo": true,
}

// verificationAttributes are the attributes an app client cannot write; an
// administrator can.
var verificationAttributes = map[string]bool{"email_verified": true, "phone_number_verified": true}

// userAttributes checks the attributes of a new user against the pool's
// schema (e-mail required) and returns them as a map. admin allows the
// verification attributes, which app clients may not write.
func userAttributes(attrs []attributeType, admin bool) (map[string]string, error) {
	out := make(map[string]string, len(attrs))
	for _, a := range attrs {
		switch {
		case a.Name == attrSub:
			return nil, newError(errInvalidParameter, "Cannot modify the non-mutable attribute sub")
		case !standardAttributes[a.Name]:
			return nil, newError(errInvalidParameter,
				"Attributes did not conform to the schema: Type for attribute {%s} could not be determined", a.Name)
		case verificationAttributes[a.Name] && !admin:
			return nil, newError(errNotAuthorized, "A client attempted to write unauthorized attribute")
		case verificationAttributes[a.Name] && a.Value != "true" && a.Value != "false":
			return nil, newError(errInvalidParameter, "Invalid value for attribute %s", a.Name)
		}
		out[a.Name] = a.Value
	}
	email, ok := out[attrEmail]
	if !ok || email == "" {
		return nil, newError(errInvalidParameter, "Attributes did not conform to the schema: email: The attribute is required")
	}
	if !validEmail(email) {
		return nil, newError(errInvalidParameter, "Invalid email address format.")
	}
	if _, ok := out[attrEmailVerified]; !ok {
		out[attrEmailVerified] = "false"
	}
	return out, nil
}

// validEmail reports whether s is a bare address (no display name, no
// angle brackets) with a local part and a domain.
func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != ""
}

// maskEmail renders an address the way Cognito's CodeDeliveryDetails show it:
// the first character of the local part and of the domain, the rest masked,
// the top-level domain kept ("alice@example.com" becomes "a***@e***.com").
func maskEmail(email string) string {
	local, domain, _ := strings.Cut(email, "@")
	first := func(s string) string {
		r, _ := utf8.DecodeRuneInString(s)
		return string(r)
	}
	masked := first(local) + "***@" + first(domain) + "***"
	if i := strings.LastIndexByte(domain, '.'); i > 0 {
		masked += domain[i:]
	}
	return masked
}

// decoyDestination is the simulated destination Cognito reports for a user
// that does not exist: stable for a username, and shaped like a real one.
func decoyDestination(username string) string {
	sum := sha256.Sum256([]byte(userKey(username)))
	const letters = "abcdefghijklmnopqrstuvwxyz"
	return string(letters[sum[0]%26]) + "***@" + string(letters[sum[1]%26]) + "***"
}

// secretHash is Base64(HMAC_SHA256(secret, username+clientID)).
func secretHash(secret, username, clientID string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// checkSecretHash enforces the client secret on a call for username. When
// the client has no secret, any hash is ignored, as Cognito ignores it. For a
// user that exists, the hash may be computed with the username as the
// caller typed it or as the pool stores it.
func (s *Server) checkSecretHash(got string, usernames ...string) error {
	secret := s.cfg.ClientSecret
	if secret == "" {
		return nil
	}
	if got == "" {
		return newError(errNotAuthorized, "Client %s is configured with secret but SECRET_HASH was not received", s.cfg.ClientID)
	}
	for _, u := range usernames {
		if u != "" && hmac.Equal([]byte(got), []byte(secretHash(secret, u, s.cfg.ClientID))) {
			return nil
		}
	}
	return newError(errNotAuthorized, "Unable to verify secret hash for client %s", s.cfg.ClientID)
}
