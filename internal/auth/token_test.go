package auth

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
)

func TestTokenSession(t *testing.T) {
	t.Parallel()
	jwt := func(claims map[string]any) string {
		b, _ := json.Marshal(claims)
		enc := base64.RawURLEncoding.EncodeToString
		return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(b) + ".c2ln"
	}
	iat := time.Unix(1_800_000_000, 0)
	for _, tc := range []struct {
		name   string
		token  string
		want   Session
		wantOK bool
	}{
		{"Cognito's origin_jti", jwt(map[string]any{"sub": "s", "origin_jti": "o", "jti": "j", "iat": iat.Unix()}), Session{Sub: "s", OriginJTI: "o", IssuedAt: iat}, true},
		{"jti from providers without origin_jti", jwt(map[string]any{"sub": "s", "jti": "j", "iat": iat.Unix()}), Session{Sub: "s", OriginJTI: "j", IssuedAt: iat}, true},
		{"no iat", jwt(map[string]any{"sub": "s", "origin_jti": "o"}), Session{Sub: "s", OriginJTI: "o", IssuedAt: time.Unix(0, 0)}, true},
		{"no subject", jwt(map[string]any{"origin_jti": "o", "iat": iat.Unix()}), Session{OriginJTI: "o", IssuedAt: iat}, false},
		{"not a JWT", "opaque", Session{}, false},
	} {
		got, ok := TokenSession(tc.token)
		if ok != tc.wantOK || got.Sub != tc.want.Sub || got.OriginJTI != tc.want.OriginJTI || !got.IssuedAt.Equal(tc.want.IssuedAt) {
			t.Errorf("%s: TokenSession = %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
}
