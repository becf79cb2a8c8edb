package cfn_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/eventboard/eventboard/internal/manifest/cfn"
)

// What an on-call engineer needs from the deployment (finding 13), its
// throttling (finding 10) and CORS (finding 12), checked on the packaged
// template.

func TestTemplateThrottlesAuthRoutesTighterThanTheStage(t *testing.T) {
	tmpl, m := generated(t)
	stageRes := tmpl.Resources["HttpApiStage"].Properties
	def := mapAt(stageRes, "DefaultRouteSettings")
	rate, _ := def["ThrottlingRateLimit"].(float64)
	burst, _ := def["ThrottlingBurstLimit"].(float64)
	if rate <= 0 || burst <= 0 {
		t.Fatalf("stage DefaultRouteSettings = %v, want a rate and a burst limit", def)
	}
	routeSettings := mapAt(stageRes, "RouteSettings")
	known := map[string]bool{}
	for _, f := range m.Functions {
		for _, r := range f.Routes {
			known[r.Key()] = true
			if !strings.HasPrefix(r.Path, "/api/auth/") {
				continue
			}
			rs := mapAt(routeSettings, r.Key())
			rRate, _ := rs["ThrottlingRateLimit"].(float64)
			rBurst, _ := rs["ThrottlingBurstLimit"].(float64)
			if rRate <= 0 || rBurst <= 0 || rRate >= rate || rBurst >= burst {
				t.Errorf("%s: throttling %v, want tighter than the stage's %v/s burst %v", r.Key(), rs, rate, burst)
			}
		}
	}
	for key := range routeSettings {
		if !known[key] {
			t.Errorf("RouteSettings names %q, which is no route", key)
		}
	}
}

func TestTemplateOutsideLocalNamesNoLocalhostOrigin(t *testing.T) {
	tmpl, _ := generated(t)
	if stage() == "local" {
		t.Skip("the local stage opens CORS for a frontend dev server")
	}
	if c := tmpl.Resources["HttpApi"].Properties["CorsConfiguration"]; c != nil {
		t.Errorf("HttpApi CorsConfiguration = %v, want none outside local", c)
	}
	b, err := json.Marshal(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"localhost", "127.0.0.1"} {
		if strings.Contains(string(b), host) {
			t.Errorf("the %s template mentions %s", stage(), host)
		}
	}
}

func TestTemplateHasAlarmsAccessLogsTracingAndRetries(t *testing.T) {
	tmpl, m := generated(t)
	lambdas := lambdasByFunction(t, tmpl, m)

	t.Run("alarms notify a topic with a subscription", func(t *testing.T) {
		covered := map[string]bool{}
		for _, id := range tmpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
			p := tmpl.Resources[id].Properties
			if actions := renderEach(p["AlarmActions"]); !slices.Equal(actions, []string{"${AlarmTopic}"}) {
				t.Errorf("%s: AlarmActions %v, want the alarm topic", id, p["AlarmActions"])
			}
			covered[alarmSubject(t, p)] = true
		}
		prefix := fmt.Sprintf("'eventboard-%s-%%'", stage())
		for _, want := range []string{
			"Errors of " + prefix,
			"Throttles of " + prefix,
			"5xx of ${HttpApi}",
			"ApproximateAgeOfOldestMessage of ${CounterQueue.QueueName}",
			"ApproximateNumberOfMessagesVisible of ${CounterDLQ.QueueName}",
			"ApproximateNumberOfMessagesVisible of ${CounterRuleDLQ.QueueName}",
			"ApproximateNumberOfMessagesVisible of ${OutboxSweeperScheduleDLQ.QueueName}",
			"OutboxBacklog of " + stage(),
		} {
			if !covered[want] {
				t.Errorf("no alarm on %s; alarms cover %v", want, covered)
			}
		}
		sub := tmpl.Resources["AlarmSubscription"]
		topic, _ := cfn.Render(sub.Properties["TopicArn"])
		if sub.Type != "AWS::SNS::Subscription" || topic != "${AlarmTopic}" || sub.Properties["Protocol"] != "email" {
			t.Errorf("AlarmSubscription = %+v", sub)
		}
		if sub.Condition == "" || tmpl.Conditions[sub.Condition] == nil {
			t.Errorf("AlarmSubscription condition %q is not declared", sub.Condition)
		}
	})

	t.Run("access logs with retention", func(t *testing.T) {
		logs := mapAt(tmpl.Resources["HttpApiStage"].Properties, "AccessLogSettings")
		dest, _ := cfn.Render(logs["DestinationArn"])
		if dest != "${HttpApiLogGroup.Arn}" || logs["Format"] == nil {
			t.Fatalf("AccessLogSettings = %v", logs)
		}
		if days := tmpl.Resources["HttpApiLogGroup"].Properties["RetentionInDays"]; days != float64(30) {
			t.Errorf("access logs kept %v days, want 30", days)
		}
	})

	t.Run("tracing", func(t *testing.T) {
		policy := tmpl.Resources["TracingPolicy"].Properties
		traced := renderEach(policy["Roles"])
		if !strings.Contains(fmt.Sprint(policy["PolicyDocument"]), "xray:PutTraceSegments") {
			t.Errorf("TracingPolicy = %v", policy)
		}
		for _, f := range m.Functions {
			cfg := mapAt(tmpl.Resources[lambdas[f.Name]].Properties, "TracingConfig")
			if cfg["Mode"] != "Active" {
				t.Errorf("%s: TracingConfig %v, want Active", f.Name, cfg)
			}
			if !slices.Contains(traced, "${"+f.Role+"}") {
				t.Errorf("%s: role %s may not send traces (not in TracingPolicy %v)", f.Name, f.Role, traced)
			}
		}
	})

	t.Run("event source maximum concurrency", func(t *testing.T) {
		mappings := tmpl.ResourcesOfType("AWS::Lambda::EventSourceMapping")
		if len(mappings) == 0 {
			t.Fatal("no event source mapping")
		}
		for _, id := range mappings {
			n, _ := mapAt(tmpl.Resources[id].Properties, "ScalingConfig")["MaximumConcurrency"].(float64)
			if n < 2 || n > 1000 {
				t.Errorf("%s: MaximumConcurrency %v, want 2..1000", id, n)
			}
		}
	})

	t.Run("the sweeper schedule retries into a DLQ", func(t *testing.T) {
		target := mapAt(tmpl.Resources["OutboxSweeperSchedule"].Properties, "Target")
		retries, _ := mapAt(target, "RetryPolicy")["MaximumRetryAttempts"].(float64)
		dlq, _ := cfn.Render(mapAt(target, "DeadLetterConfig")["Arn"])
		if retries < 1 || dlq != "${OutboxSweeperScheduleDLQ.Arn}" {
			t.Errorf("sweeper schedule target = %v, want retries and a DLQ", target)
		}
	})
}

// renderEach renders each item of a list of intrinsics.
func renderEach(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, item := range list {
		r, err := cfn.Render(item)
		if err != nil {
			r = fmt.Sprint(item)
		}
		out = append(out, r)
	}
	return out
}

// alarmSubject says what an alarm watches: "<metric> of <dimension value>",
// or, for a Metrics Insights query, "<metric> of <the LIKE pattern>".
func alarmSubject(t *testing.T, p map[string]any) string {
	t.Helper()
	if metrics, ok := p["Metrics"].([]any); ok {
		for _, q := range metrics {
			expr, _ := cfn.Render(q.(map[string]any)["Expression"])
			metric, _, _ := strings.Cut(strings.TrimPrefix(expr, "SELECT SUM("), ")")
			_, like, _ := strings.Cut(expr, " LIKE ")
			return metric + " of " + like
		}
	}
	dims, _ := p["Dimensions"].([]any)
	var values []string
	for _, d := range dims {
		v, _ := cfn.Render(d.(map[string]any)["Value"])
		values = append(values, v)
	}
	if len(values) == 0 {
		return fmt.Sprint(p["MetricName"])
	}
	// The first dimension names what is watched (ApiId before Stage).
	return fmt.Sprint(p["MetricName"]) + " of " + values[0]
}

// The refresh token never rotated, so a stolen refresh cookie worked for 30
// days.
func TestAppClientRotatesRefreshTokens(t *testing.T) {
	tmpl, _ := generated(t)
	rot := mapAt(tmpl.Resources["UserPoolClient"].Properties, "RefreshTokenRotation")
	grace, _ := rot["RetryGracePeriodSeconds"].(float64)
	if rot["Feature"] != "ENABLED" || grace < 1 || grace > 60 {
		t.Errorf("UserPoolClient RefreshTokenRotation = %v, want ENABLED with a grace period of 1..60 s", rot)
	}
}

// API Gateway refuses a stage whose RouteSettings name a route that does
// not exist yet, and CloudFormation creates what does not depend on each
// other in parallel: the stage must depend on every route it configures.
func TestStageDependsOnTheRoutesItsSettingsName(t *testing.T) {
	tmpl, _ := generated(t)
	stageRes := tmpl.Resources["HttpApiStage"]
	dependsOn := map[string]bool{}
	switch d := stageRes.DependsOn.(type) {
	case string:
		dependsOn[d] = true
	case []any:
		for _, id := range d {
			s, _ := id.(string)
			dependsOn[s] = true
		}
	}
	routeByKey := map[string]string{}
	for _, id := range tmpl.ResourcesOfType("AWS::ApiGatewayV2::Route") {
		key, _ := tmpl.Resources[id].Properties["RouteKey"].(string)
		routeByKey[key] = id
	}
	settings := mapAt(stageRes.Properties, "RouteSettings")
	if len(settings) == 0 {
		t.Fatal("HttpApiStage has no RouteSettings")
	}
	for key := range settings {
		id, ok := routeByKey[key]
		switch {
		case !ok:
			t.Errorf("RouteSettings names %q, which no AWS::ApiGatewayV2::Route has", key)
		case !dependsOn[id]:
			t.Errorf("HttpApiStage does not depend on %s (%s), which its RouteSettings name: add it to "+
				"resources.extensions.HttpApiStage.DependsOn in serverless.yml", id, key)
		}
	}
}

// What a production review asked of the template: data that outlives the
// stack, deletion protection and logs in prod, an encrypted alarm topic,
// and a custom certificate only with a modern TLS policy.
func TestProductionSettings(t *testing.T) {
	tmpl, m := generated(t)
	prod := m.Stage == "prod"
	for _, id := range []string{"CounterDLQ", "CounterRuleDLQ", "OutboxSweeperScheduleDLQ", "AlarmSubscription"} {
		r, ok := tmpl.Resources[id]
		if !ok {
			if id != "AlarmSubscription" {
				t.Errorf("%s is missing", id)
			}
			continue
		}
		if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
			t.Errorf("%s: DeletionPolicy %q, UpdateReplacePolicy %q; want Retain: its messages are data", id, r.DeletionPolicy, r.UpdateReplacePolicy)
		}
	}
	for _, id := range tmpl.ResourcesOfType("AWS::DynamoDB::Table") {
		if got := tmpl.Resources[id].Properties["DeletionProtectionEnabled"]; got != prod {
			t.Errorf("%s: DeletionProtectionEnabled %v, want %t in stage %s", id, got, prod, m.Stage)
		}
	}
	wantPool := map[bool]string{true: "ACTIVE", false: "INACTIVE"}[prod]
	if got := tmpl.Resources["CognitoUserPoolUsers"].Properties["DeletionProtection"]; got != wantPool {
		t.Errorf("user pool DeletionProtection %v, want %s in stage %s", got, wantPool, m.Stage)
	}
	if tmpl.Resources["AlarmTopic"].Properties["KmsMasterKeyId"] == nil {
		t.Error("the alarm topic is not encrypted")
	}
	dist := mapAt(tmpl.Resources["SiteDistribution"].Properties, "DistributionConfig")
	if logging := fmt.Sprint(dist["Logging"]); !strings.Contains(logging, "HasSiteLogs") {
		t.Errorf("the distribution's Logging %s does not follow the siteLogs param", logging)
	}
	if _, ok := tmpl.Resources["SiteLogsBucket"]; !ok {
		t.Error("no SiteLogsBucket for CloudFront's standard logs")
	}
	cert := mapAt(dist, "ViewerCertificate")
	if _, custom := cert["AcmCertificateArn"]; custom &&
		(cert["MinimumProtocolVersion"] != "TLSv1.2_2021" || cert["SslSupportMethod"] != "sni-only") {
		t.Errorf("ViewerCertificate %v: a custom certificate needs MinimumProtocolVersion TLSv1.2_2021 and sni-only", cert)
	}
	if cert["AcmCertificateArn"] == nil && cert["CloudFrontDefaultCertificate"] != true {
		t.Errorf("ViewerCertificate %v: neither CloudFront's certificate nor an ACM one", cert)
	}
	for _, id := range tmpl.ResourcesOfType("AWS::Lambda::Version") {
		t.Errorf("%s: functions are versioned on every deploy (versionFunctions)", id)
	}
	bucket := mapAt(tmpl.Resources["ServerlessDeploymentBucket"].Properties, "PublicAccessBlockConfiguration")
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if bucket[k] != true {
			t.Errorf("deployment bucket %s = %v, want true", k, bucket[k])
		}
	}
}
