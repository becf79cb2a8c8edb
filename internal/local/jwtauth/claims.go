package jwtauth

import (
	"encoding/json"
	"strings"
)

// renderClaims turns decoded claims (numbers as json.Number) into the string
// map API Gateway puts under requestContext.authorizer.jwt.claims. Claims
// whose value is null are left out, as API Gateway leaves them out.
func renderClaims(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for name, v := range claims {
		if v == nil {
			continue
		}
		out[name] = renderClaim(v)
	}
	return out
}

// renderClaim renders one claim value as API Gateway's HTTP API does:
//
//   - a string as itself;
//   - a number as its decimal text in the token ("exp": 1700000000 becomes
//     "1700000000", never "1.7e+09");
//   - a boolean as "true" or "false";
//   - an array as its elements, each rendered by these rules, separated by
//     single spaces and wrapped in brackets: ["admin","ops"] becomes
//     "[admin ops]" (so an element holding a space cannot be told apart);
//   - an object as its JSON text.
//
// The string, number, boolean and array forms match payloads captured from
// API Gateway. The object form, and null inside an array (rendered "null"),
// are best guesses: Cognito puts neither in its tokens.
func renderClaim(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	case []any:
		var b strings.Builder
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(' ')
			}
			if e == nil {
				b.WriteString("null")
				continue
			}
			b.WriteString(renderClaim(e))
		}
		b.WriteByte(']')
		return b.String()
	default:
		text, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(text)
	}
}
