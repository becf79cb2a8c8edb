// Package termsafe makes text that others wrote safe to print on an
// operator's terminal: a message body, an event's detail-type, a username
// can carry escape sequences that set the window title or clear the screen,
// and bidi overrides that make text read as something it is not.
package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String returns s with every rune a terminal could act on or that would
// hide or reorder text (C0 and C1 controls such as ESC and BEL, line and
// paragraph separators, bidi and other format characters, invalid UTF-8)
// written as a \u escape. Other text, non-ASCII letters included, is kept.
func String(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || r == utf8.RuneError {
			fmt.Fprintf(&b, "\\u%04X", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Truncate returns String of s's first n runes.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return String(s)
}
