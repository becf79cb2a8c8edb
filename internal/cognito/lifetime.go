package cognito

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// minLifetime is the shortest access token validity Cognito allows (five
// minutes): the lifetime reported when a token's own claims do not tell.
// Reporting too short a lifetime only makes a client refresh early.
const minLifetime = 5 * 60

// lifetime returns for how many seconds the JWT accessToken is valid, read
// from its exp and iat claims (exp less now without iat), for servers that
// answer ExpiresIn 0 (cognito-local). The signature is not checked: the
// number is only a hint for the client, and whoever relies on the token
// verifies it. It returns minLifetime when the claims do not tell.
func lifetime(accessToken string) int {
	parts := strings.Split(accessToken, ".")
	if len(parts) != 3 {
		return minLifetime
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return minLifetime
	}
	var claims struct {
		Exp int64 `json:"exp"`
		Iat int64 `json:"iat"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Exp == 0 {
		return minLifetime
	}
	start := claims.Iat
	if start == 0 {
		start = time.Now().Unix()
	}
	if secs := claims.Exp - start; secs > 0 {
		return int(secs)
	}
	return minLifetime
}
