package cfn_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest/cfn"
)

// CloudFront's managed policies the site's behaviours use.
const (
	cachingOptimized          = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	cachingDisabled           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	allViewerExceptHostHeader = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// checkSite holds the SPA's hosting to the design: one private bucket that
// only the distribution reads (origin access control), a distribution whose
// default behaviour serves the SPA with index.html for its routes and whose
// /api/* behaviour forwards to the HTTP API uncached with Authorization,
// cookies and query strings, Origin Shield in front of the API for the
// first page and the stats only, security headers on both, and the
// outputs the frontend deploy needs.
func checkSite(t *testing.T, tmpl *cfn.Template) {
	t.Helper()
	one := func(typ string) (string, map[string]any) {
		t.Helper()
		ids := tmpl.ResourcesOfType(typ)
		if len(ids) != 1 {
			t.Fatalf("%s resources = %v, want exactly one", typ, ids)
		}
		return ids[0], tmpl.Resources[ids[0]].Properties
	}
	// The site's origin access control is for S3; the reads' function
	// URLs have one for Lambda (checkDirectReads).
	oacOfType := func(typ string) (string, map[string]any) {
		t.Helper()
		var ids []string
		for _, id := range tmpl.ResourcesOfType("AWS::CloudFront::OriginAccessControl") {
			if mapAt(tmpl.Resources[id].Properties, "OriginAccessControlConfig")["OriginAccessControlOriginType"] == typ {
				ids = append(ids, id)
			}
		}
		if len(ids) != 1 {
			t.Fatalf("origin access controls for %s = %v, want exactly one", typ, ids)
		}
		return ids[0], tmpl.Resources[ids[0]].Properties
	}
	_, oac := oacOfType("s3")
	distID, dist := one("AWS::CloudFront::Distribution")
	headersID, headers := one("AWS::CloudFront::ResponseHeadersPolicy")
	// The site's bucket is the default behaviour's origin (the framework
	// adds a deployment bucket of its own).
	cfg := mapAt(dist, "DistributionConfig")
	// The SPA's routing function is the default behaviour's; the API
	// reads' is the posts' behaviours' (checkDirectReads).
	routingID := strings.TrimSuffix(strings.TrimPrefix(render(t, listAt(mapAt(cfg, "DefaultCacheBehavior"), "FunctionAssociations")[0].(map[string]any)["FunctionARN"]), "${"), ".FunctionARN}")
	routing := tmpl.Resources[routingID].Properties
	t.Run("direct reads", func(t *testing.T) {
		_, readsOAC := oacOfType("lambda")
		checkDirectReads(t, tmpl, distID, cfg, readsOAC)
	})
	var bucketID string
	for _, o := range listAt(cfg, "Origins") {
		if om := o.(map[string]any); om["Id"] == targetOf(mapAt(cfg, "DefaultCacheBehavior")) {
			bucketID = strings.TrimSuffix(strings.TrimPrefix(render(t, om["DomainName"]), "${"), ".RegionalDomainName}")
		}
	}
	if tmpl.Resources[bucketID].Type != "AWS::S3::Bucket" {
		t.Fatalf("the default behaviour's origin is not a bucket of the template: %q", bucketID)
	}
	bucket := tmpl.Resources[bucketID].Properties
	var policy map[string]any
	for _, id := range tmpl.ResourcesOfType("AWS::S3::BucketPolicy") {
		if p := tmpl.Resources[id].Properties; render(t, p["Bucket"]) == "${"+bucketID+"}" {
			policy = p
		}
	}
	if policy == nil {
		t.Fatalf("no bucket policy on %s", bucketID)
	}

	t.Run("bucket is private", func(t *testing.T) {
		want := map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}
		if diff := cmp.Diff(want, bucket["PublicAccessBlockConfiguration"]); diff != "" {
			t.Errorf("PublicAccessBlockConfiguration (-want +got):\n%s", diff)
		}
		if _, ok := bucket["WebsiteConfiguration"]; ok {
			t.Error("the bucket is a public website endpoint; CloudFront must read it through OAC")
		}
		var allows []string
		for _, st := range listAt(mapAt(policy, "PolicyDocument"), "Statement") {
			s := st.(map[string]any)
			if s["Effect"] != "Allow" {
				continue
			}
			source := render(t, mapAt(mapAt(s, "Condition"), "StringEquals")["AWS:SourceArn"])
			allows = append(allows, fmt.Sprint(s["Principal"], " ", s["Action"], " if source is ", source))
		}
		want1 := fmt.Sprintf("map[Service:cloudfront.amazonaws.com] s3:GetObject if source is arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${%s}", distID)
		if diff := cmp.Diff([]string{want1}, allows); diff != "" {
			t.Errorf("the bucket policy's Allow statements (-want +got):\n%s", diff)
		}
	})

	t.Run("origins", func(t *testing.T) {
		origins := map[string]map[string]any{}
		for _, o := range listAt(cfg, "Origins") {
			om := o.(map[string]any)
			origins[om["Id"].(string)] = om
		}
		site, api := origins[targetOf(mapAt(cfg, "DefaultCacheBehavior"))], origins[targetOf(apiBehavior(t, cfg))]
		if site == nil || api == nil {
			t.Fatalf("origins %v lack the behaviours' targets", origins)
		}
		if got := render(t, site["DomainName"]); got != "${"+bucketID+".RegionalDomainName}" {
			t.Errorf("the default behaviour's origin is %s, want the bucket's regional domain", got)
		}
		if got := render(t, site["OriginAccessControlId"]); !strings.HasSuffix(got, ".Id}") || oac["OriginAccessControlConfig"].(map[string]any)["OriginAccessControlOriginType"] != "s3" {
			t.Errorf("the site origin's access control is %s, want the S3 origin access control", got)
		}
		if got := render(t, api["DomainName"]); got != "${HttpApi}.execute-api.${AWS::Region}.amazonaws.com" {
			t.Errorf("the /api/* origin is %s, want the HTTP API", got)
		}
		if p := mapAt(api, "CustomOriginConfig")["OriginProtocolPolicy"]; p != "https-only" {
			t.Errorf("the API origin's protocol policy is %v, want https-only", p)
		}
		// Every /api behaviour, shielded or not, reaches the same API (the
		// anonymous reads that ApiReadsRouting sends elsewhere are
		// checkDirectReads').
		for _, b := range listAt(cfg, "CacheBehaviors") {
			bm := b.(map[string]any)
			if !strings.HasPrefix(fmt.Sprint(bm["PathPattern"]), "/api") {
				continue
			}
			o := origins[targetOf(bm)]
			if o == nil || render(t, o["DomainName"]) != "${HttpApi}.execute-api.${AWS::Region}.amazonaws.com" || mapAt(o, "CustomOriginConfig")["OriginProtocolPolicy"] != "https-only" {
				t.Errorf("%v goes to origin %v, want the HTTP API over HTTPS", bm["PathPattern"], o)
			}
		}
	})

	t.Run("origin shield", func(t *testing.T) {
		origins := map[string]map[string]any{}
		for _, o := range listAt(cfg, "Origins") {
			om := o.(map[string]any)
			origins[om["Id"].(string)] = om
		}
		// A shield is in the stack's own region, beside the API: anywhere
		// else every miss would cross regions twice.
		shielded := map[string]bool{}
		for id, o := range origins {
			sh, ok := o["OriginShield"].(map[string]any)
			if !ok {
				continue
			}
			got := fmt.Sprint(sh["Enabled"], " in ", render(t, sh["OriginShieldRegion"]))
			if got != "true in ${AWS::Region}" {
				t.Errorf("origin %s: OriginShield %v, want enabled in ${AWS::Region}", id, sh)
			}
			shielded[id] = true
		}
		// Which reads go through it is the cost model's finding
		// (docs/cost.md, "Origin Shield, route by route"): the first page
		// and the stats, which every region asks for alike. Single posts,
		// read about twice each, and the uncached routes go to the API
		// directly: the shield bills every request a regional cache passes
		// it, hit or not.
		var got []string
		for _, b := range listAt(cfg, "CacheBehaviors") {
			if bm := b.(map[string]any); shielded[targetOf(bm)] {
				got = append(got, fmt.Sprint(bm["PathPattern"]))
			}
		}
		if shielded[targetOf(mapAt(cfg, "DefaultCacheBehavior"))] {
			got = append(got, "the site")
		}
		if diff := cmp.Diff([]string{"/api/posts", "/api/stats"}, got); diff != "" {
			t.Errorf("behaviours behind Origin Shield (-want +got):\n%s", diff)
		}
	})

	t.Run("behaviours", func(t *testing.T) {
		def := mapAt(cfg, "DefaultCacheBehavior")
		api := apiBehavior(t, cfg)
		got := map[string]any{
			"default cache policy":   def["CachePolicyId"],
			"default viewer":         def["ViewerProtocolPolicy"],
			"default headers":        render(t, def["ResponseHeadersPolicyId"]),
			"default function":       render(t, listAt(def, "FunctionAssociations")[0].(map[string]any)["FunctionARN"]),
			"default function event": listAt(def, "FunctionAssociations")[0].(map[string]any)["EventType"],
			"api cache policy":       api["CachePolicyId"],
			"api origin requests":    api["OriginRequestPolicyId"],
			"api methods":            api["AllowedMethods"],
			"api headers":            render(t, api["ResponseHeadersPolicyId"]),
			"api functions":          api["FunctionAssociations"], // the rest of /api: no routing
			"api viewer":             api["ViewerProtocolPolicy"],
		}
		want := map[string]any{
			"default cache policy":   cachingOptimized,
			"default viewer":         "redirect-to-https",
			"default headers":        "${" + headersID + "}",
			"default function":       "${" + routingID + ".FunctionARN}",
			"default function event": "viewer-request",
			"api cache policy":       cachingDisabled,
			"api origin requests":    allViewerExceptHostHeader,
			"api methods":            []any{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"},
			"api headers":            "${" + headersID + "}",
			"api functions":          nil,
			"api viewer":             "https-only",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("behaviours (-want +got):\n%s", diff)
		}
		// Error responses may only say how long CloudFront keeps an error
		// (0: not at all, so a cached read never hides a fixed outage): a
		// page or code of their own would turn the API's 403 and 404 into
		// index.html, and the SPA's routes are the routing function's.
		errs, _ := cfg["CustomErrorResponses"].([]any)
		for _, e := range errs {
			e, _ := e.(map[string]any)
			if _, ok := e["ResponsePagePath"]; ok {
				t.Errorf("CustomErrorResponses answers error %v with a page of its own: %v", e["ErrorCode"], e)
			}
			if _, ok := e["ResponseCode"]; ok {
				t.Errorf("CustomErrorResponses changes the status of error %v: %v", e["ErrorCode"], e)
			}
		}
		code, _ := routing["FunctionCode"].(string)
		if !strings.Contains(code, `"/index.html"`) {
			t.Errorf("the routing function does not answer index.html:\n%s", code)
		}
	})

	t.Run("security headers", func(t *testing.T) {
		sec := mapAt(mapAt(headers, "ResponseHeadersPolicyConfig"), "SecurityHeadersConfig")
		csp, _ := mapAt(sec, "ContentSecurityPolicy")["ContentSecurityPolicy"].(string)
		directives := map[string]string{}
		for _, d := range strings.Split(csp, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
			directives[name] = value
		}
		scripts, ok := directives["script-src"]
		if !ok {
			scripts = directives["default-src"]
		}
		if scripts == "" || strings.Contains(scripts, "unsafe-inline") || strings.Contains(scripts, "unsafe-eval") || strings.Contains(scripts, "*") {
			t.Errorf("script-src %q: want only the site's own scripts", scripts)
		}
		if directives["frame-ancestors"] != "'none'" {
			t.Errorf("frame-ancestors %q, want 'none'", directives["frame-ancestors"])
		}
		if age, _ := mapAt(sec, "StrictTransportSecurity")["AccessControlMaxAgeSec"].(float64); age < 31536000 {
			t.Errorf("HSTS max-age %v, want a year or more", age)
		}
		if mapAt(sec, "ContentTypeOptions") == nil {
			t.Error("no X-Content-Type-Options: nosniff")
		}
	})

	t.Run("outputs", func(t *testing.T) {
		got := map[string]string{}
		for _, name := range []string{"SiteUrl", "SiteBucketName", "SiteDistributionId"} {
			out, _ := tmpl.Outputs[name].(map[string]any)
			got[name] = render(t, out["Value"])
		}
		want := map[string]string{
			"SiteUrl":            "https://${" + distID + ".DomainName}",
			"SiteBucketName":     "${" + bucketID + "}",
			"SiteDistributionId": "${" + distID + "}",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outputs (-want +got):\n%s", diff)
		}
	})
}

func apiBehavior(t *testing.T, cfg map[string]any) map[string]any {
	t.Helper()
	for _, b := range listAt(cfg, "CacheBehaviors") {
		if bm := b.(map[string]any); bm["PathPattern"] == "/api/*" {
			return bm
		}
	}
	t.Fatal("no /api/* cache behaviour")
	return nil
}

func targetOf(behavior map[string]any) string {
	id, _ := behavior["TargetOriginId"].(string)
	return id
}

func listAt(m map[string]any, key string) []any {
	l, _ := m[key].([]any)
	return l
}

func render(t *testing.T, v any) string {
	t.Helper()
	s, err := cfn.Render(v)
	if err != nil {
		t.Errorf("render %v: %v", v, err)
	}
	return s
}

// readsOrigins are the origins ApiReadsRouting may choose, and the
// function each must be the URL of.
var readsOrigins = map[string]string{"list-url": "listPosts", "post-url": "getPost"}

// checkDirectReads checks the anonymous reads' way past API Gateway: the
// origins ApiReadsRouting chooses are the URLs of listPosts and getPost,
// signed by a Lambda origin access control; those URLs take IAM auth, and
// only this distribution may invoke them through it; the routing runs on
// the posts' behaviours alone and names only those origins.
func checkDirectReads(t *testing.T, tmpl *cfn.Template, distID string, cfg map[string]any, oac map[string]any) {
	t.Helper()
	oacCfg := mapAt(oac, "OriginAccessControlConfig")
	if oacCfg["SigningBehavior"] != "always" || oacCfg["SigningProtocol"] != "sigv4" {
		t.Errorf("the reads' origin access control %v: want every request signed (SigV4, always)", oacCfg)
	}
	urls := map[string]string{} // function's logical id: its URL's
	for _, id := range tmpl.ResourcesOfType("AWS::Lambda::Url") {
		p := tmpl.Resources[id].Properties
		if p["AuthType"] != "AWS_IAM" {
			t.Errorf("%s: AuthType %v, want AWS_IAM: only CloudFront may call it", id, p["AuthType"])
		}
		fn := strings.TrimSuffix(strings.TrimPrefix(render(t, p["TargetFunctionArn"]), "${"), ".Arn}")
		urls[fn] = id
	}
	origins := map[string]map[string]any{}
	for _, o := range listAt(cfg, "Origins") {
		om := o.(map[string]any)
		origins[om["Id"].(string)] = om
	}
	for id, function := range readsOrigins {
		o := origins[id]
		if o == nil {
			t.Errorf("no origin %s", id)
			continue
		}
		fnID := strings.ToUpper(function[:1]) + function[1:] + "LambdaFunction"
		host := map[string]any{"Fn::Select": []any{float64(2), map[string]any{"Fn::Split": []any{"/", map[string]any{"Fn::GetAtt": []any{urls[fnID], "FunctionUrl"}}}}}}
		if urls[fnID] == "" || !cmp.Equal(o["DomainName"], host) {
			t.Errorf("origin %s's DomainName is %v, want the host of %s's function URL", id, o["DomainName"], function)
		}
		if got := render(t, o["OriginAccessControlId"]); !strings.HasSuffix(got, ".Id}") {
			t.Errorf("origin %s is not signed by an origin access control: %v", id, o["OriginAccessControlId"])
		}
		if mapAt(o, "CustomOriginConfig")["OriginProtocolPolicy"] != "https-only" {
			t.Errorf("origin %s: want https-only", id)
		}
	}

	// Who may invoke the reads' functions: the distribution, through the
	// URL; nobody through a URL without auth.
	source := fmt.Sprintf("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${%s}", distID)
	granted := map[string][]string{}
	for _, id := range tmpl.ResourcesOfType("AWS::Lambda::Permission") {
		p := tmpl.Resources[id].Properties
		if p["FunctionUrlAuthType"] == "NONE" {
			t.Errorf("%s lets anyone call a function URL", id)
		}
		if p["Principal"] != "cloudfront.amazonaws.com" {
			continue
		}
		fn := strings.TrimSuffix(strings.TrimPrefix(render(t, p["FunctionName"]), "${"), ".Arn}")
		if got := render(t, p["SourceArn"]); got != source {
			t.Errorf("%s admits CloudFront from %s, want this distribution only", id, got)
		}
		switch {
		case p["Action"] == "lambda:InvokeFunctionUrl" && p["FunctionUrlAuthType"] == "AWS_IAM":
			granted[fn] = append(granted[fn], "url")
		case p["Action"] == "lambda:InvokeFunction" && p["InvokedViaFunctionUrl"] == true:
			granted[fn] = append(granted[fn], "invoke via url")
		default:
			t.Errorf("%s grants CloudFront %v %v", id, p["Action"], p)
		}
	}
	for _, function := range readsOrigins {
		fnID := strings.ToUpper(function[:1]) + function[1:] + "LambdaFunction"
		slices.Sort(granted[fnID])
		if diff := cmp.Diff([]string{"invoke via url", "url"}, granted[fnID]); diff != "" {
			t.Errorf("CloudFront's grants on %s (-want +got):\n%s", function, diff)
		}
	}

	// The routing runs on the posts' behaviours only, at viewer request,
	// and chooses only the reads' origins.
	var routed []string
	var routingID string
	for _, b := range listAt(cfg, "CacheBehaviors") {
		bm := b.(map[string]any)
		for _, a := range listAt(bm, "FunctionAssociations") {
			am := a.(map[string]any)
			routed = append(routed, fmt.Sprint(bm["PathPattern"], " ", am["EventType"]))
			routingID = strings.TrimSuffix(strings.TrimPrefix(render(t, am["FunctionARN"]), "${"), ".FunctionARN}")
		}
	}
	if diff := cmp.Diff([]string{"/api/posts viewer-request", "/api/posts/* viewer-request"}, routed); diff != "" {
		t.Errorf("behaviours running a function (-want +got):\n%s", diff)
	}
	code, _ := tmpl.Resources[routingID].Properties["FunctionCode"].(string)
	chosen := regexp.MustCompile(`selectRequestOriginById\('([^']*)'\)`).FindAllStringSubmatch(code, -1)
	var ids []string
	for _, m := range chosen {
		ids = append(ids, m[1])
	}
	slices.Sort(ids)
	if diff := cmp.Diff([]string{"list-url", "post-url"}, ids); diff != "" {
		t.Errorf("origins %s chooses (-want +got):\n%s", routingID, diff)
	}
	if rt := mapAt(tmpl.Resources[routingID].Properties, "FunctionConfig")["Runtime"]; rt != "cloudfront-js-2.0" {
		t.Errorf("%s runs on %v; origin selection needs cloudfront-js-2.0", routingID, rt)
	}
}
