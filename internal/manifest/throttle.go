package manifest

import (
	"fmt"
	"strconv"
)

// Throttle is one API Gateway token bucket.
type Throttle struct {
	Rate  float64 // ThrottlingRateLimit, requests a second
	Burst int     // ThrottlingBurstLimit
}

// Throttling is the HTTP API stage's throttling, as serverless.yml merges it
// into the framework's stage (resources.extensions.HttpApiStage):
// DefaultRouteSettings for every route, and RouteSettings by route key.
type Throttling struct {
	Default *Throttle           // nil: not throttled
	Routes  map[string]Throttle // route key → its own bucket
}

// Throttling reads the stage's throttling; the zero Throttling when
// serverless.yml sets none.
func (m *Manifest) Throttling() (Throttling, error) {
	props := mapIn(m.Raw, "resources", "extensions", "HttpApiStage", "Properties")
	var t Throttling
	if def, ok := props["DefaultRouteSettings"].(map[string]any); ok {
		d, set, err := throttle(def, "DefaultRouteSettings")
		if err != nil {
			return Throttling{}, err
		}
		if set {
			t.Default = &d
		}
	}
	routes, _ := props["RouteSettings"].(map[string]any)
	for key, v := range routes {
		settings, _ := v.(map[string]any)
		r, set, err := throttle(settings, "RouteSettings."+key)
		if err != nil {
			return Throttling{}, err
		}
		if !set {
			continue
		}
		if t.Routes == nil {
			t.Routes = map[string]Throttle{}
		}
		t.Routes[key] = r
	}
	return t, nil
}

// throttle reads the two limits of one route settings mapping; set is false
// when it has neither.
func throttle(settings map[string]any, at string) (Throttle, bool, error) {
	rate, okRate := settings["ThrottlingRateLimit"]
	burst, okBurst := settings["ThrottlingBurstLimit"]
	if !okRate && !okBurst {
		return Throttle{}, false, nil
	}
	r, err := number(rate)
	if err != nil || r <= 0 {
		return Throttle{}, false, fmt.Errorf("manifest: %s.ThrottlingRateLimit: %v is not a positive number", at, rate)
	}
	b, err := number(burst)
	if err != nil || b < 1 || b != float64(int(b)) {
		return Throttle{}, false, fmt.Errorf("manifest: %s.ThrottlingBurstLimit: %v is not a positive whole number", at, burst)
	}
	return Throttle{Rate: r, Burst: int(b)}, true, nil
}

func number(v any) (float64, error) {
	switch n := v.(type) {
	case int:
		return float64(n), nil
	case int64:
		return float64(n), nil
	case float64:
		return n, nil
	case string: // a ${param:…} resolved inside a string
		return strconv.ParseFloat(n, 64)
	default:
		return 0, fmt.Errorf("not a number: %T", v)
	}
}

// mapIn walks nested mappings; nil where one is missing.
func mapIn(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}
