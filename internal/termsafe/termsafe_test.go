package termsafe_test

import (
	"testing"

	"github.com/eventboard/eventboard/internal/termsafe"
)

func TestString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"title and clear", "\u001b]0;PWNED\u0007\u001b[2J", `\u001B]0;PWNED\u0007\u001B[2J`},
		{"C1 CSI", "m\u009b31m", `m\u009B31m`},
		{"bidi override", "abc\u202egnp.exe", `abc\u202Egnp.exe`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"newline", "a\nb", `a\u000Ab`},
		{"invalid UTF-8", "a\xffb", `a\uFFFDb`},
		{"plain text kept", "Grüße, 世界", "Grüße, 世界"},
	} {
		if got := termsafe.String(tc.in); got != tc.want {
			t.Errorf("%s: String(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
	if got := termsafe.Truncate("\u202eabcdef", 3); got != `\u202Eab` {
		t.Errorf("Truncate = %q", got)
	}
}
