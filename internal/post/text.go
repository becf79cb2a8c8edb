package post

import "unicode"

// The text rules. A title is one line of visible text: no control
// characters (C0, DEL, C1: NUL, ESC, newline, …), no line or paragraph
// separators, and no bidirectional formatting characters, which would let a
// title display as something other than what it is ("abc\u202egnp.exe"
// shows as "abcexe.png"). Content may hold tabs and line breaks but no other
// control character. Neither may be made only of characters that show
// nothing: white space, format characters (zero-width space, BOM, …),
// combining marks alone, and the blank letters some scripts have (U+2800,
// U+3164, …).

// blankGraphic are graphic characters that render as nothing.
var blankGraphic = map[rune]bool{
	'\u115F': true, // HANGUL CHOSEONG FILLER
	'\u1160': true, // HANGUL JUNGSEONG FILLER
	'\u2800': true, // BRAILLE PATTERN BLANK
	'\u3164': true, // HANGUL FILLER
	'\uFFA0': true, // HALFWIDTH HANGUL FILLER
}

// bidiControl are the explicit bidirectional formatting characters.
var bidiControl = map[rune]bool{
	'\u061C': true,                 // ARABIC LETTER MARK
	'\u200E': true, '\u200F': true, // LRM, RLM
	'\u202A': true, '\u202B': true, '\u202C': true, '\u202D': true, '\u202E': true, // embeddings, overrides
	'\u2066': true, '\u2067': true, '\u2068': true, '\u2069': true, // isolates
}

// visible reports whether r shows as a mark on the page.
func visible(r rune) bool {
	return unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.In(r, unicode.Mn, unicode.Me) && !blankGraphic[r]
}

// hasVisible reports whether s holds at least one visible character.
func hasVisible(s string) bool {
	for _, r := range s {
		if visible(r) {
			return true
		}
	}
	return false
}

// titleRune reports whether r may appear in a title.
func titleRune(r rune) bool {
	return !unicode.IsControl(r) && !unicode.In(r, unicode.Zl, unicode.Zp) && !bidiControl[r]
}

// contentRune reports whether r may appear in content.
func contentRune(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || !unicode.IsControl(r)
}

// all reports whether every rune of s satisfies ok.
func all(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}
