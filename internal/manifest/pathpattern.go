package manifest

import (
	"regexp"
	"strings"
)

// PathPattern returns the expression that matches the paths a CloudFront
// cache behaviour's PathPattern does: * any characters, / included, ? one,
// and everything else itself.
func PathPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile("^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$")
}
