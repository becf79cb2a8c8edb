package warmer

import (
	"fmt"
	"regexp"
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

var targetEntry = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]{0,63}):([0-9]{1,2})$`)

// ParseTargets reads a targets declaration. Each function may appear once,
// with a concurrency of 1..warmping.MaxConcurrency; an empty declaration is
// an error (a warmer with nothing to warm is a mistake, not a no-op).
func ParseTargets(s string) (Targets, error) {
	var out Targets
	seen := map[string]bool{}
	for _, entry := range strings.Fields(s) {
		m := targetEntry.FindStringSubmatch(entry)
		if m == nil {
			return nil, fmt.Errorf("warmer.ParseTargets: %q: want name:concurrency", entry)
		}
		n, _ := strconv.Atoi(m[2])
		if n < 1 || n > warmping.MaxConcurrency {
			return nil, fmt.Errorf("warmer.ParseTargets: %q: concurrency must be 1..%d", entry, warmping.MaxConcurrency)
		}
		if seen[m[1]] {
			return nil, fmt.Errorf("warmer.ParseTargets: %s is declared twice", m[1])
		}
		seen[m[1]] = true
		out = append(out, Target{Function: m[1], Concurrency: n})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("warmer.ParseTargets: no functions to warm")
	}
	return out, nil
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
