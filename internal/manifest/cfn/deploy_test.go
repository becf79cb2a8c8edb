package cfn_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/costmodel"
	"github.com/eventboard/eventboard/internal/local/pipeline"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/manifest/cfn"
	"github.com/eventboard/eventboard/internal/warmer"
)

// The deployment check. It reads the CloudFormation template that
// scripts/sls-package.sh generates and holds it to serverless.yml as the
// manifest package reads it, and to the project's rules: arm64 on
// provided.al2023, one least-privilege role per function, retained tables
// with point-in-time recovery, the JWT authorizer on exactly the write routes.
//
//	EVENTBOARD_CFN_TEMPLATE  path to .serverless/cloudformation-template-update-stack.json;
//	                         the test is skipped when it is unset
//	EVENTBOARD_REQUIRE_CFN=1 fail instead of skipping when it is unset (make test, CI)
//	EVENTBOARD_CFN_STAGE     the stage the template was packaged for; default "test"
const (
	templateEnv = "EVENTBOARD_CFN_TEMPLATE"
	requireEnv  = "EVENTBOARD_REQUIRE_CFN"
	stageEnv    = "EVENTBOARD_CFN_STAGE"
)

// authorizedRoutes are the routes that must carry the JWT authorizer; every other
// route must be public.
var authorizedRoutes = []string{"DELETE /api/posts/{id}", "GET /api/myinfo", "POST /api/posts", "PUT /api/posts/{id}"}

// leastPrivilege is, per function, everything its role may do: write its own
// log group, and the DynamoDB actions its handler calls on what it calls
// them on. A change to a handler's calls changes this table and
// serverless.yml together.
var leastPrivilege = map[string][]cfn.Permission{
	"listPosts": withLogs("ListPostsLogGroup",
		cfn.Permission{Action: "dynamodb:Query", Resource: "${PostsTable.Arn}/index/byRecency"},
	),
	"getPost": withLogs("GetPostLogGroup",
		cfn.Permission{Action: "dynamodb:GetItem", Resource: "${PostsTable.Arn}"},
	),
	"createPost": withLogs("CreatePostLogGroup", withEvents(
		cfn.Permission{Action: "dynamodb:PutItem", Resource: "${PostsTable.Arn}"},
		cfn.Permission{Action: "dynamodb:GetItem", Resource: "${PostsTable.Arn}"},
		checkRevocations,
	)...),
	"updatePost": withLogs("UpdatePostLogGroup", withEvents(
		cfn.Permission{Action: "dynamodb:GetItem", Resource: "${PostsTable.Arn}"},
		cfn.Permission{Action: "dynamodb:UpdateItem", Resource: "${PostsTable.Arn}"},
		checkRevocations,
	)...),
	"deletePost": withLogs("DeletePostLogGroup", withEvents(
		cfn.Permission{Action: "dynamodb:DeleteItem", Resource: "${PostsTable.Arn}"},
		cfn.Permission{Action: "dynamodb:GetItem", Resource: "${PostsTable.Arn}"},
		checkRevocations,
	)...),
	// The auth functions call Cognito's public, token-authorized API, which
	// takes no IAM permission; login records when a sign-in started, a
	// reset records a sign-out everywhere, and refresh records rotations and
	// revokes a session whose rotated-out token is reused.
	"signUp":         withLogs("SignUpLogGroup"),
	"confirmSignUp":  withLogs("ConfirmSignUpLogGroup"),
	"resendCode":     withLogs("ResendCodeLogGroup"),
	"forgotPassword": withLogs("ForgotPasswordLogGroup"),
	"resetPassword": withLogs("ResetPasswordLogGroup",
		cfn.Permission{Action: "dynamodb:UpdateItem", Resource: "${RevocationsTable.Arn}"},
	),
	"login": withLogs("LoginLogGroup",
		cfn.Permission{Action: "dynamodb:PutItem", Resource: "${RevocationsTable.Arn}"},
	),
	"refresh": withLogs("RefreshLogGroup",
		cfn.Permission{Action: "dynamodb:PutItem", Resource: "${RevocationsTable.Arn}"},
		checkRevocations,
	),
	"myInfo": withLogs("MyInfoLogGroup",
		cfn.Permission{Action: "dynamodb:BatchGetItem", Resource: "${CounterTable.Arn}"},
	),
	"logout": withLogs("LogoutLogGroup",
		cfn.Permission{Action: "dynamodb:PutItem", Resource: "${RevocationsTable.Arn}"},
		cfn.Permission{Action: "dynamodb:UpdateItem", Resource: "${RevocationsTable.Arn}"},
	),
	"postConfirmation": withLogs("PostConfirmationLogGroup", withEvents(
		cfn.Permission{Action: "dynamodb:PutItem", Resource: "${UsersTable.Arn}"},
	)...),
	"getStats": withLogs("GetStatsLogGroup",
		cfn.Permission{Action: "dynamodb:BatchGetItem", Resource: "${CounterTable.Arn}"},
	),
	// The counter worker's queue permissions are what Lambda's event source
	// mapping uses on its behalf.
	"counterWorker": withLogs("CounterWorkerLogGroup",
		cfn.Permission{Action: "sqs:ReceiveMessage", Resource: "${CounterQueue.Arn}"},
		cfn.Permission{Action: "sqs:DeleteMessage", Resource: "${CounterQueue.Arn}"},
		cfn.Permission{Action: "sqs:ChangeMessageVisibility", Resource: "${CounterQueue.Arn}"},
		cfn.Permission{Action: "sqs:GetQueueAttributes", Resource: "${CounterQueue.Arn}"},
		cfn.Permission{Action: "dynamodb:PutItem", Resource: "${ProcessedEventsTable.Arn}"},
		cfn.Permission{Action: "dynamodb:UpdateItem", Resource: "${CounterTable.Arn}"},
		// Folding closed days' counters (dynamo.Counters.FoldClosedDays).
		cfn.Permission{Action: "dynamodb:BatchGetItem", Resource: "${CounterTable.Arn}"},
		cfn.Permission{Action: "dynamodb:DeleteItem", Resource: "${CounterTable.Arn}"},
	),
	"outboxSweeper": withLogs("OutboxSweeperLogGroup",
		cfn.Permission{Action: "dynamodb:Query", Resource: "${OutboxTable.Arn}/index/pendingByAge"},
		cfn.Permission{Action: "dynamodb:DeleteItem", Resource: "${OutboxTable.Arn}"},
		publishEvents,
	),
}

// checkRevocations is the read every write makes to refuse the tokens of
// signed-out sessions.
var checkRevocations = cfn.Permission{Action: "dynamodb:BatchGetItem", Resource: "${RevocationsTable.Arn}"}

// schedulerRole is what EventBridge Scheduler assumes to invoke the
// scheduled functions; it belongs to no function.
const schedulerRole = "SchedulerRole"

// publishEvents is what every producer needs on the bus.
var publishEvents = cfn.Permission{Action: "events:PutEvents", Resource: "${EventBus.Arn}"}

// withEvents adds what a writer needs to record its events in the outbox
// with its change, publish them, and clear them.
func withEvents(perms ...cfn.Permission) []cfn.Permission {
	return append(perms,
		cfn.Permission{Action: "dynamodb:PutItem", Resource: "${OutboxTable.Arn}"},
		cfn.Permission{Action: "dynamodb:DeleteItem", Resource: "${OutboxTable.Arn}"},
		publishEvents,
	)
}

func withLogs(logGroup string, perms ...cfn.Permission) []cfn.Permission {
	arn := "${" + logGroup + ".Arn}"
	return append([]cfn.Permission{
		{Action: "logs:CreateLogStream", Resource: arn},
		{Action: "logs:PutLogEvents", Resource: arn},
	}, perms...)
}

func TestGeneratedTemplate(t *testing.T) {
	tmpl, m := generated(t)
	lambdas := lambdasByFunction(t, tmpl, m)

	t.Run("references resolve", func(t *testing.T) {
		for _, r := range tmpl.Dangling() {
			t.Errorf("%s: %s %s names no resource, parameter or pseudo parameter", r.From, r.Kind, r.Target)
		}
	})

	t.Run("functions", func(t *testing.T) {
		roles := map[string]string{} // role → function
		for _, f := range m.Functions {
			l := tmpl.Resources[lambdas[f.Name]]
			p := l.Properties
			if p["Runtime"] != "provided.al2023" {
				t.Errorf("%s: Runtime %v, want provided.al2023", f.Name, p["Runtime"])
			}
			if !cmp.Equal(p["Architectures"], []any{"arm64"}) {
				t.Errorf("%s: Architectures %v, want [arm64]", f.Name, p["Architectures"])
			}
			if p["Handler"] != f.Handler || p["Timeout"] != float64(f.Timeout) || p["MemorySize"] != float64(f.MemorySize) {
				t.Errorf("%s: Handler, Timeout, MemorySize = %v, %v, %v; serverless.yml says %s, %d, %d",
					f.Name, p["Handler"], p["Timeout"], p["MemorySize"], f.Handler, f.Timeout, f.MemorySize)
			}
			role, err := cfn.Render(p["Role"])
			if err != nil || role != "${"+f.Role+".Arn}" {
				t.Errorf("%s: Role %v, want its own role %s from serverless.yml", f.Name, p["Role"], f.Role)
				continue
			}
			if other, shared := roles[f.Role]; shared {
				t.Errorf("%s and %s share the role %s", f.Name, other, f.Role)
			}
			roles[f.Role] = f.Name
			env, _ := p["Environment"].(map[string]any)
			wantEnv := map[string]any{}
			for k, v := range f.Environment {
				wantEnv[k] = v
			}
			for k, v := range f.EnvironmentIntrinsics {
				wantEnv[k] = v
			}
			if diff := cmp.Diff(wantEnv, env["Variables"]); diff != "" {
				t.Errorf("%s: environment (-serverless.yml +template):\n%s", f.Name, diff)
			}
		}
		for _, id := range tmpl.ResourcesOfType("AWS::IAM::Role") {
			if _, used := roles[id]; !used && id != schedulerRole {
				t.Errorf("role %s belongs to no function", id)
			}
		}
	})

	t.Run("least privilege", func(t *testing.T) {
		for _, f := range m.Functions {
			want, ok := leastPrivilege[f.Name]
			if f.Name == "warmer" {
				// Exactly the functions of custom.warmup.targets.
				want, ok = warmerPrivilege(t, m, lambdas), true
			}
			if !ok {
				t.Errorf("%s: no entry in leastPrivilege; add what its handler calls", f.Name)
				continue
			}
			got, err := tmpl.RolePermissions(f.Role)
			if err != nil {
				t.Errorf("%s: %v", f.Name, err)
				continue
			}
			want = slices.Clone(want)
			sortPermissions(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: role %s permissions (-want +got):\n%s", f.Name, f.Role, diff)
			}
			trust := tmpl.Resources[f.Role].Properties["AssumeRolePolicyDocument"]
			wantTrust := map[string]any{
				"Version": "2012-10-17",
				"Statement": []any{map[string]any{
					"Effect":    "Allow",
					"Principal": map[string]any{"Service": "lambda.amazonaws.com"},
					"Action":    "sts:AssumeRole",
				}},
			}
			if diff := cmp.Diff(wantTrust, trust); diff != "" {
				t.Errorf("%s: role %s trust policy (-want +got):\n%s", f.Name, f.Role, diff)
			}
		}
		// The log group a role may write is its own function's, and kept for
		// a bounded time.
		for _, f := range m.Functions {
			for _, perm := range leastPrivilege[f.Name] {
				if perm.Action != "logs:PutLogEvents" {
					continue
				}
				id := perm.Resource[2 : len(perm.Resource)-len(".Arn}")]
				lg := tmpl.Resources[id]
				if lg.Type != "AWS::Logs::LogGroup" || lg.Properties["LogGroupName"] != "/aws/lambda/"+f.FunctionName {
					t.Errorf("%s: %s is %s named %v, want the log group /aws/lambda/%s",
						f.Name, id, lg.Type, lg.Properties["LogGroupName"], f.FunctionName)
				}
				if days, _ := lg.Properties["RetentionInDays"].(float64); days <= 0 {
					t.Errorf("%s: log group %s has no RetentionInDays", f.Name, id)
				}
			}
		}
	})

	t.Run("tables", func(t *testing.T) {
		ids := tmpl.ResourcesOfType("AWS::DynamoDB::Table")
		var want []string
		for _, tb := range m.Tables {
			want = append(want, tb.LogicalID)
		}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("tables (-serverless.yml +template):\n%s", diff)
		}
		if !slices.Contains(ids, "PostsTable") {
			t.Error("the template has no PostsTable")
		}
		for _, id := range ids {
			r := tmpl.Resources[id]
			if r.Properties["BillingMode"] != "PAY_PER_REQUEST" {
				t.Errorf("%s: BillingMode %v, want PAY_PER_REQUEST", id, r.Properties["BillingMode"])
			}
			pitr, _ := r.Properties["PointInTimeRecoverySpecification"].(map[string]any)
			if pitr["PointInTimeRecoveryEnabled"] != true {
				t.Errorf("%s: point-in-time recovery is off", id)
			}
			if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
				t.Errorf("%s: DeletionPolicy %q, UpdateReplacePolicy %q; want Retain for both",
					id, r.DeletionPolicy, r.UpdateReplacePolicy)
			}
		}
	})

	t.Run("routes", func(t *testing.T) {
		got := routes(t, tmpl, lambdas)
		if diff := cmp.Diff(m.Routes(), got); diff != "" {
			t.Errorf("routes (-serverless.yml +template):\n%s", diff)
		}
		var guarded []string
		for _, r := range got {
			if r.Authorizer != "" {
				guarded = append(guarded, r.Key())
			}
		}
		if diff := cmp.Diff(authorizedRoutes, guarded); diff != "" {
			t.Errorf("routes with the JWT authorizer (-want +got):\n%s", diff)
		}
	})

	t.Run("authorizer", func(t *testing.T) {
		for _, id := range tmpl.ResourcesOfType("AWS::ApiGatewayV2::Authorizer") {
			p := tmpl.Resources[id].Properties
			if p["AuthorizerType"] != "JWT" {
				t.Errorf("%s: AuthorizerType %v, want JWT", id, p["AuthorizerType"])
			}
			jwt, _ := p["JwtConfiguration"].(map[string]any)
			issuer, err := cfn.Render(jwt["Issuer"])
			if want := "https://cognito-idp." + m.Region + ".amazonaws.com/${CognitoUserPoolUsers}"; err != nil || issuer != want {
				t.Errorf("%s: issuer %q (%v), want %q", id, issuer, err, want)
			}
			if !cmp.Equal(jwt["Audience"], []any{map[string]any{"Ref": "UserPoolClient"}}) {
				t.Errorf("%s: audience %v, want the user pool client", id, jwt["Audience"])
			}
		}
	})

	t.Run("user pool", func(t *testing.T) {
		pool := tmpl.Resources["CognitoUserPoolUsers"].Properties
		trigger, err := cfn.Render(mapAt(pool, "LambdaConfig")["PostConfirmation"])
		if err != nil || trigger != "${"+lambdas["postConfirmation"]+".Arn}" {
			t.Errorf("PostConfirmation trigger = %q (%v), want the postConfirmation function", trigger, err)
		}
		policy := mapAt(mapAt(pool, "Policies"), "PasswordPolicy")
		for _, k := range []string{"RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"} {
			if policy[k] != true {
				t.Errorf("password policy %s = %v", k, policy[k])
			}
		}
		if policy["MinimumLength"] != float64(8) || pool["UserPoolTier"] != "LITE" ||
			!cmp.Equal(pool["AutoVerifiedAttributes"], []any{"email"}) {
			t.Errorf("user pool = %v", pool)
		}
		client := tmpl.Resources["UserPoolClient"].Properties
		if client["EnableTokenRevocation"] != true || client["PreventUserExistenceErrors"] != "ENABLED" ||
			client["GenerateSecret"] != false || client["AccessTokenValidity"] != float64(15) ||
			!cmp.Equal(client["ExplicitAuthFlows"], []any{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}) {
			t.Errorf("app client = %v", client)
		}
		perms := tmpl.ResourcesOfType("AWS::Lambda::Permission")
		found := false
		for _, id := range perms {
			p := tmpl.Resources[id].Properties
			if p["Principal"] == "cognito-idp.amazonaws.com" {
				found = true
			}
		}
		if !found {
			t.Error("Cognito may not invoke the trigger: no AWS::Lambda::Permission for cognito-idp.amazonaws.com")
		}
	})

	t.Run("event pipeline", func(t *testing.T) {
		worker, ok := m.Function("counterWorker")
		if !ok {
			t.Fatal("no counterWorker")
		}
		queue := tmpl.Resources["CounterQueue"].Properties
		if vt, _ := queue["VisibilityTimeout"].(float64); vt < 6*float64(worker.Timeout) {
			t.Errorf("CounterQueue VisibilityTimeout %v < 6 x the worker's timeout %d", queue["VisibilityTimeout"], worker.Timeout)
		}
		redrive := mapAt(queue, "RedrivePolicy")
		dlq, _ := cfn.Render(redrive["deadLetterTargetArn"])
		if redrive["maxReceiveCount"] != float64(5) || dlq != "${CounterDLQ.Arn}" {
			t.Errorf("CounterQueue RedrivePolicy = %v", redrive)
		}
		var mapping map[string]any
		for _, id := range tmpl.ResourcesOfType("AWS::Lambda::EventSourceMapping") {
			p := tmpl.Resources[id].Properties
			if fn, _ := cfn.Render(p["FunctionName"]); fn == "${"+lambdas["counterWorker"]+".Arn}" {
				mapping = p
			}
		}
		if src, _ := cfn.Render(mapping["EventSourceArn"]); src != "${CounterQueue.Arn}" ||
			!cmp.Equal(mapping["FunctionResponseTypes"], []any{"ReportBatchItemFailures"}) ||
			// At most 5 batches at once: docs/scaling.md.
			!cmp.Equal(mapping["ScalingConfig"], map[string]any{"MaximumConcurrency": float64(5)}) {
			t.Errorf("counterWorker's event source mapping = %v", mapping)
		}
		rule := tmpl.Resources["CounterRule"].Properties
		targets, _ := rule["Targets"].([]any)
		if len(targets) != 1 {
			t.Fatalf("CounterRule targets = %v", rule["Targets"])
		}
		target, _ := targets[0].(map[string]any)
		arn, _ := cfn.Render(target["Arn"])
		ruleDLQ, _ := cfn.Render(mapAt(target, "DeadLetterConfig")["Arn"])
		if arn != "${CounterQueue.Arn}" || ruleDLQ != "${CounterRuleDLQ.Arn}" {
			t.Errorf("CounterRule target = %v", target)
		}
		if bus, _ := cfn.Render(rule["EventBusName"]); bus != "${EventBus}" {
			t.Errorf("CounterRule bus = %v", rule["EventBusName"])
		}
		policy := mapAt(tmpl.Resources["CounterQueuePolicy"].Properties, "PolicyDocument")
		stmts, _ := policy["Statement"].([]any)
		stmt, _ := stmts[0].(map[string]any)
		source, _ := cfn.Render(mapAt(mapAt(stmt, "Condition"), "ArnEquals")["aws:SourceArn"])
		if len(stmts) != 1 || stmt["Action"] != "sqs:SendMessage" || source != "${CounterRule.Arn}" {
			t.Errorf("CounterQueuePolicy = %v", policy)
		}
		alarmed := map[string]bool{}
		for _, id := range tmpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
			p := tmpl.Resources[id].Properties
			dims, _ := p["Dimensions"].([]any)
			for _, d := range dims {
				q, _ := cfn.Render(d.(map[string]any)["Value"])
				alarmed[q] = p["MetricName"] == "ApproximateNumberOfMessagesVisible"
			}
		}
		for _, q := range []string{"${CounterDLQ.QueueName}", "${CounterRuleDLQ.QueueName}"} {
			if !alarmed[q] {
				t.Errorf("no depth alarm on %s", q)
			}
		}
		if len(tmpl.ResourcesOfType("AWS::Events::Archive")) != 1 {
			t.Error("the bus has no archive")
		}
		schedules := tmpl.ResourcesOfType("AWS::Scheduler::Schedule")
		if !cmp.Equal(schedules, []string{"OutboxSweeperSchedule", "WarmerSchedule"}) {
			t.Fatalf("schedules = %v, want the outbox sweeper's and the warmer's", schedules)
		}
		sched := tmpl.Resources["OutboxSweeperSchedule"].Properties
		fn, _ := cfn.Render(mapAt(sched, "Target")["Arn"])
		role, _ := cfn.Render(mapAt(sched, "Target")["RoleArn"])
		if fn != "${"+lambdas["outboxSweeper"]+".Arn}" || role != "${"+schedulerRole+".Arn}" || sched["ScheduleExpression"] != "rate(1 minute)" {
			t.Errorf("schedule = %v", sched)
		}
		// Scheduler's role may invoke the scheduled functions and nothing else.
		perms, err := tmpl.RolePermissions(schedulerRole)
		want := []cfn.Permission{
			{Action: "lambda:InvokeFunction", Resource: "${" + lambdas["outboxSweeper"] + ".Arn}"},
			{Action: "lambda:InvokeFunction", Resource: "${" + lambdas["warmer"] + ".Arn}"},
			{Action: "sqs:SendMessage", Resource: "${OutboxSweeperScheduleDLQ.Arn}"},
		}
		sortPermissions(want)
		if diff := cmp.Diff(want, perms); err != nil || diff != "" {
			t.Errorf("%s permissions (-want +got):\n%s%v", schedulerRole, diff, err)
		}
		trust := mapAt(tmpl.Resources[schedulerRole].Properties, "AssumeRolePolicyDocument")
		if !strings.Contains(fmt.Sprint(trust), "scheduler.amazonaws.com") || strings.Contains(fmt.Sprint(trust), "lambda.amazonaws.com") {
			t.Errorf("%s trust = %v, want Scheduler only", schedulerRole, trust)
		}
	})

	t.Run("warmer", func(t *testing.T) {
		sched := tmpl.Resources["WarmerSchedule"].Properties
		declared := m.Resources["WarmerSchedule"].Properties
		fn, _ := cfn.Render(mapAt(sched, "Target")["Arn"])
		role, _ := cfn.Render(mapAt(sched, "Target")["RoleArn"])
		if fn != "${"+lambdas["warmer"]+".Arn}" || role != "${"+schedulerRole+".Arn}" {
			t.Errorf("WarmerSchedule target = %v", sched["Target"])
		}
		// Rate and state are the stage's params.
		if sched["ScheduleExpression"] != declared["ScheduleExpression"] || sched["State"] != declared["State"] {
			t.Errorf("WarmerSchedule = %v, %v; serverless.yml for stage %s says %v, %v", sched["ScheduleExpression"],
				sched["State"], stage(), declared["ScheduleExpression"], declared["State"])
		}
		if _, err := pipeline.ParseRate(fmt.Sprint(sched["ScheduleExpression"])); err != nil {
			t.Error(err)
		}
		env := mapAt(mapAt(tmpl.Resources[lambdas["warmer"]].Properties, "Environment"), "Variables")
		if env["WARMUP_FUNCTION_PREFIX"] != m.Service+"-"+stage()+"-" {
			t.Errorf("WARMUP_FUNCTION_PREFIX = %v", env["WARMUP_FUNCTION_PREFIX"])
		}
		for _, tg := range warmTargets(t, m) {
			f, _ := m.Function(tg.Function)
			if f.FunctionName != m.Service+"-"+stage()+"-"+tg.Function {
				t.Errorf("%s is deployed as %s, which the warmer's prefix does not reach", tg.Function, f.FunctionName)
			}
		}
	})

	t.Run("no wildcard", func(t *testing.T) {
		for _, id := range tmpl.ResourcesOfType("AWS::IAM::Role") {
			perms, err := tmpl.RolePermissions(id)
			if err != nil {
				t.Errorf("%s: %v", id, err)
			}
			for _, p := range perms {
				if strings.Contains(p.Action, "*") || strings.Contains(p.Resource, "*") {
					t.Errorf("%s allows %s on %s: a wildcard", id, p.Action, p.Resource)
				}
			}
		}
	})

	t.Run("site", func(t *testing.T) { checkSite(t, tmpl) })

	// docs/cost.md prices every kind of resource the stack declares, or
	// says why it costs nothing: a new kind is priced before it ships.
	t.Run("every kind of resource is priced", func(t *testing.T) {
		for _, id := range slices.Sorted(maps.Keys(tmpl.Resources)) {
			if typ := tmpl.Resources[id].Type; costmodel.Resources[typ] == "" {
				t.Errorf("%s: %s is in no line of internal/costmodel; price it (model.go) and name it in costmodel.Resources", id, typ)
			}
		}
	})

	t.Run("cors", func(t *testing.T) {
		api := tmpl.Resources["HttpApi"].Properties
		got, _ := api["CorsConfiguration"].(map[string]any)
		c := m.CORS
		if c == nil {
			if got != nil {
				t.Errorf("the template has CORS %v, serverless.yml none", got)
			}
			return
		}
		want := map[string]any{
			"AllowOrigins": toAny(c.AllowedOrigins),
			"AllowHeaders": toAny(c.AllowedHeaders),
			"AllowMethods": toAny(c.AllowedMethods),
		}
		if c.AllowCredentials {
			want["AllowCredentials"] = true
		}
		if c.ExposedResponseHeaders != nil {
			want["ExposeHeaders"] = toAny(c.ExposedResponseHeaders)
		}
		if c.MaxAge != 0 {
			want["MaxAge"] = float64(c.MaxAge)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CORS (-serverless.yml +template):\n%s", diff)
		}
	})
}

// warmTargets are the functions serverless.yml's custom.warmup.targets
// declares.
func warmTargets(t *testing.T, m *manifest.Manifest) warmer.Targets {
	t.Helper()
	custom, _ := m.Raw["custom"].(map[string]any)
	decl, _ := mapAt(custom, "warmup")["targets"].(string)
	targets, err := warmer.ParseTargets(decl)
	if err != nil {
		t.Fatalf("custom.warmup.targets: %v", err)
	}
	return targets
}

// warmerPrivilege is what the warmer's role may do: write its log group and
// invoke exactly the functions of custom.warmup.targets.
func warmerPrivilege(t *testing.T, m *manifest.Manifest, lambdas map[string]string) []cfn.Permission {
	t.Helper()
	var invoke []cfn.Permission
	for _, tg := range warmTargets(t, m) {
		if lambdas[tg.Function] == "" {
			t.Errorf("custom.warmup.targets names %s, which is not a function", tg.Function)
		}
		invoke = append(invoke, cfn.Permission{Action: "lambda:InvokeFunction", Resource: "${" + lambdas[tg.Function] + ".Arn}"})
	}
	return withLogs("WarmerLogGroup", invoke...)
}

// generated loads the packaged template and serverless.yml for the stage it
// was packaged for, or skips (fails under EVENTBOARD_REQUIRE_CFN=1).
func generated(t *testing.T) (*cfn.Template, *manifest.Manifest) {
	t.Helper()
	path := os.Getenv(templateEnv)
	if path == "" {
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%s=1 but %s is unset: run scripts/sls-package.sh and set it to "+
				".serverless/cloudformation-template-update-stack.json", requireEnv, templateEnv)
		}
		t.Skipf("%s is unset; see scripts/sls-package.sh", templateEnv)
	}
	tmpl, err := cfn.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Load("../../../serverless.yml", manifest.Options{Stage: stage()})
	if err != nil {
		t.Fatal(err)
	}
	return tmpl, m
}

// stage is the stage the template was packaged for.
func stage() string {
	if s := os.Getenv(stageEnv); s != "" {
		return s
	}
	return "test"
}

// lambdasByFunction maps each function of the manifest to its
// AWS::Lambda::Function resource, found by its deployed name.
func lambdasByFunction(t *testing.T, tmpl *cfn.Template, m *manifest.Manifest) map[string]string {
	t.Helper()
	byName := map[string]string{}
	for _, id := range tmpl.ResourcesOfType("AWS::Lambda::Function") {
		name, _ := tmpl.Resources[id].Properties["FunctionName"].(string)
		byName[name] = id
	}
	out := map[string]string{}
	for _, f := range m.Functions {
		id, ok := byName[f.FunctionName]
		if !ok {
			t.Fatalf("no AWS::Lambda::Function named %s in the template", f.FunctionName)
		}
		out[f.Name] = id
	}
	if len(byName) != len(m.Functions) {
		t.Fatalf("the template has %d Lambda functions, serverless.yml %d", len(byName), len(m.Functions))
	}
	return out
}

// routes reads the HTTP API routes of the template back into the manifest's
// terms: route key, the function its integration invokes, its authorizer.
func routes(t *testing.T, tmpl *cfn.Template, lambdas map[string]string) []manifest.Route {
	t.Helper()
	fnByLambda := map[string]string{}
	for fn, id := range lambdas {
		fnByLambda[id] = fn
	}
	var out []manifest.Route
	for _, id := range tmpl.ResourcesOfType("AWS::ApiGatewayV2::Route") {
		p := tmpl.Resources[id].Properties
		key, _ := p["RouteKey"].(string)
		var r manifest.Route
		if key == "$default" {
			r.Path = "*"
		} else {
			r.Method, r.Path, _ = strings.Cut(key, " ")
		}

		integrationID := refTo(t, p["Target"], "integrations/${", "}")
		integration := tmpl.Resources[integrationID].Properties
		if integration["IntegrationType"] != "AWS_PROXY" || integration["PayloadFormatVersion"] != "2.0" {
			t.Errorf("route %s: integration %s is %v with payload %v, want AWS_PROXY with 2.0 (the local stack's shape)",
				key, integrationID, integration["IntegrationType"], integration["PayloadFormatVersion"])
		}
		r.Function = fnByLambda[refTo(t, integration["IntegrationUri"], "${", ".Arn}")]

		switch p["AuthorizationType"] {
		case nil, "NONE":
		case "JWT":
			auth := tmpl.Resources[refTo(t, p["AuthorizerId"], "${", "}")]
			r.Authorizer, _ = auth.Properties["Name"].(string)
			r.Scopes = toStrings(p["AuthorizationScopes"])
		default:
			t.Errorf("route %s: AuthorizationType %v, want JWT or none", key, p["AuthorizationType"])
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// refTo renders v and returns the logical ID between prefix and suffix.
func refTo(t *testing.T, v any, prefix, suffix string) string {
	t.Helper()
	s, err := cfn.Render(v)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := strings.CutPrefix(s, prefix)
	if id, ok2 := strings.CutSuffix(id, suffix); ok && ok2 {
		return id
	}
	t.Fatalf("%s is not of the form %sID%s", s, prefix, suffix)
	return ""
}

func sortPermissions(p []cfn.Permission) {
	sort.Slice(p, func(i, j int) bool {
		if p[i].Action != p[j].Action {
			return p[i].Action < p[j].Action
		}
		return p[i].Resource < p[j].Resource
	})
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

// The warmer runs where a stage wants it: on in prod and in the local
// stack, off elsewhere.
func TestWarmerSchedulePerStage(t *testing.T) {
	t.Parallel()
	tests := []struct{ stage, rate, state string }{
		{"prod", "rate(5 minutes)", "ENABLED"},
		{"dev", "rate(5 minutes)", "DISABLED"},
		{"local", "rate(1 minute)", "ENABLED"},
	}
	for _, tt := range tests {
		m, err := manifest.Load("../../../serverless.yml", manifest.Options{Stage: tt.stage})
		if err != nil {
			t.Fatal(err)
		}
		p := m.Resources["WarmerSchedule"].Properties
		if p["ScheduleExpression"] != tt.rate || p["State"] != tt.state {
			t.Errorf("stage %s: WarmerSchedule %v, %v; want %s, %s", tt.stage, p["ScheduleExpression"], p["State"], tt.rate, tt.state)
		}
	}
}
