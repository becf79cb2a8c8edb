package manifest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// FunctionURLLogicalID is the logical ID the Serverless Framework gives
// the URL of the function name declares with url: its normalized name
// (first letter upper case, - and _ spelled out) and LambdaFunctionUrl,
// GetPostLambdaFunctionUrl for getPost.
func FunctionURLLogicalID(name string) string {
	r := strings.NewReplacer("-", "Dash", "_", "Underscore").Replace(name)
	if r == "" {
		return "LambdaFunctionUrl"
	}
	return string(unicode.ToUpper(rune(r[0]))) + r[1:] + "LambdaFunctionUrl"
}

// FunctionURLOrigins maps the ids of the CloudFront distributions' origins
// that are a function's URL (their DomainName takes the host of a
// <Fn>LambdaFunctionUrl's FunctionUrl) to that function's name. An origin
// on the URL of no function that declares url is an error.
func (m *Manifest) FunctionURLOrigins() (map[string]string, error) {
	urls := map[string]string{} // the URL's logical ID: its function
	for _, fn := range m.Functions {
		if _, ok := fn.Raw["url"]; ok {
			urls[FunctionURLLogicalID(fn.Name)] = fn.Name
		}
	}
	out := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(m.Resources)) {
		r := m.Resources[id]
		if r.Type != "AWS::CloudFront::Distribution" {
			continue
		}
		origins, _ := mapIn(r.Properties, "DistributionConfig")["Origins"].([]any)
		for i, o := range origins {
			om, _ := o.(map[string]any)
			url, ok := GetAtt(om["DomainName"], "FunctionUrl")
			if !ok {
				continue
			}
			fn, ok := urls[url]
			if !ok {
				return nil, fmt.Errorf("manifest: %s.Origins[%d] (%v) is the URL %s, of no function that declares url", id, i, om["Id"], url)
			}
			out[fmt.Sprint(om["Id"])] = fn
		}
	}
	return out, nil
}

// GetAtt finds, anywhere in v (an intrinsic expression, however nested),
// an Fn::GetAtt of attr, in its list or its "ID.attr" form, and returns
// the logical ID it names.
func GetAtt(v any, attr string) (string, bool) {
	switch v := v.(type) {
	case map[string]any:
		if ga, ok := v["Fn::GetAtt"]; ok {
			switch ga := ga.(type) {
			case []any:
				if len(ga) == 2 && ga[1] == attr {
					id, ok := ga[0].(string)
					return id, ok
				}
			case string:
				if id, ok := strings.CutSuffix(ga, "."+attr); ok {
					return id, true
				}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if id, ok := GetAtt(v[k], attr); ok {
				return id, true
			}
		}
	case []any:
		for _, e := range v {
			if id, ok := GetAtt(e, attr); ok {
				return id, true
			}
		}
	}
	return "", false
}
