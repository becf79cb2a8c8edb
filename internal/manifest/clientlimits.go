package manifest

import (
	"fmt"
	"time"
)

// ClientLimit is one per-client limit serverless.yml declares in front of
// the stage's shared buckets: an AWS WAF rate-based rule (AggregateKeyType
// IP) of the web ACL on the CloudFront distribution, scoped to paths that
// start with PathPrefix. At most Limit requests from one IP address within
// Window pass; the rest are answered Status.
type ClientLimit struct {
	Name       string
	PathPrefix string
	Limit      int
	Window     time.Duration
	Status     int // the block's custom response code; 403 (WAF's own) if none
}

// webACL is the logical ID of the web ACL that holds the per-client limits.
const webACL = "ApiClientLimits"

// ClientLimits reads the rate-based rules of the ApiClientLimits web ACL; none
// when serverless.yml declares no such ACL. A rule the local stack could
// not enforce as declared (another aggregate key, a scope other than a path
// prefix) is an error rather than silently skipped.
func (m *Manifest) ClientLimits() ([]ClientLimit, error) {
	res, ok := m.Resources[webACL]
	if !ok {
		return nil, nil
	}
	rules, _ := res.Properties["Rules"].([]any)
	var out []ClientLimit
	for i, r := range rules {
		rule, _ := r.(map[string]any)
		at := fmt.Sprintf("%s.Rules[%d]", webACL, i)
		rb := mapIn(rule, "Statement", "RateBasedStatement")
		if rb == nil {
			continue // not a rate limit
		}
		if rb["AggregateKeyType"] != "IP" {
			return nil, fmt.Errorf("manifest: %s: AggregateKeyType %v; the local stack knows IP", at, rb["AggregateKeyType"])
		}
		limit, err := number(rb["Limit"])
		if err != nil || limit < 1 {
			return nil, fmt.Errorf("manifest: %s.Limit: %v is not a positive number", at, rb["Limit"])
		}
		window, err := number(rb["EvaluationWindowSec"])
		if err != nil || window < 1 {
			return nil, fmt.Errorf("manifest: %s.EvaluationWindowSec: %v is not a positive number", at, rb["EvaluationWindowSec"])
		}
		c := ClientLimit{Name: fmt.Sprint(rule["Name"]), Limit: int(limit), Window: time.Duration(window) * time.Second, Status: 403}
		if scope := rb["ScopeDownStatement"]; scope != nil {
			bm := mapIn(rb, "ScopeDownStatement", "ByteMatchStatement")
			if bm == nil || bm["PositionalConstraint"] != "STARTS_WITH" || mapIn(bm, "FieldToMatch", "UriPath") == nil {
				return nil, fmt.Errorf("manifest: %s: the local stack knows only a ScopeDownStatement matching the start of the URI path", at)
			}
			c.PathPrefix, _ = bm["SearchString"].(string)
		}
		if code, err := number(mapIn(rule, "Action", "Block", "CustomResponse")["ResponseCode"]); err == nil {
			c.Status = int(code)
		}
		out = append(out, c)
	}
	return out, nil
}
