package warmer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eventboard/eventboard/internal/warmping"
)

// Target is a function the warmer keeps warm.
type Target struct {
	// Function is the function's key in serverless.yml.
	Function string `json:"function"`
	// Concurrency is how many of its execution environments stay warm.
	Concurrency int `json:"concurrency"`
}

// Targets are the warmed functions, as serverless.yml declares them once
// (custom.warmup.targets, given to the warmer as WARMUP_TARGETS): entries
// "name:concurrency" separated by spaces, e.g. "listPosts:2 getPost:1".
type Targets []Target

// ParseTargets reads a targets declaration. Each function may appear once,
// with a concurrency of 1..warmping.MaxConcurrency; an empty declaration is
// an error (a warmer with nothing to warm is a mistake, not a no-op).
func ParseTargets(s string) (Targets, error) {
	var out Targets
	seen := map[string]bool{}
	for _, entry := range strings.Fields(s) {
		name, count, ok := strings.Cut(entry, ":")
		if !ok || !isFunctionName(name) || len(count) < 1 || len(count) > 2 || strings.Trim(count, "0123456789") != "" {
			return nil, fmt.Errorf("warmer.ParseTargets: %q: want name:concurrency", entry)
		}
		n, _ := strconv.Atoi(count)
		if n < 1 || n > warmping.MaxConcurrency {
			return nil, fmt.Errorf("warmer.ParseTargets: %q: concurrency must be 1..%d", entry, warmping.MaxConcurrency)
		}
		if seen[name] {
			return nil, fmt.Errorf("warmer.ParseTargets: %s is declared twice", name)
		}
		seen[name] = true
		out = append(out, Target{Function: name, Concurrency: n})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("warmer.ParseTargets: no functions to warm")
	}
	return out, nil
}

// isFunctionName reports whether s is a letter followed by at most 63
// letters, digits, '_' or '-'. (Checked by hand, not by a regexp compiled
// at package init, which cost every cold start of the warmer.)
func isFunctionName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i, c := range []byte(s) {
		letter := 'a' <= c|0x20 && c|0x20 <= 'z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '_' || c == '-')) {
			return false
		}
	}
	return true
}

// EnvDecode lets config.Load read Targets.
func (t *Targets) EnvDecode(s string) error {
	parsed, err := ParseTargets(s)
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}
