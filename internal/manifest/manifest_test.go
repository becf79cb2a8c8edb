package manifest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest"
)

// The repository's own deployment file.
const serverlessYML = "../../serverless.yml"

func TestLoadServerlessYML(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load(serverlessYML, manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	if m.Service != "eventboard" || m.Stage != "test" || m.Region != "us-east-1" {
		t.Errorf("service, stage, region = %q, %q, %q; want eventboard, test, us-east-1", m.Service, m.Stage, m.Region)
	}

	// What this test pins is the posts feature; other features pin their own
	// parts of the file, so it keeps passing as serverless.yml grows.
	// provider.environment holds only what every function reads; each
	// function has its own (internal/registry holds them to the Configs).
	if diff := cmp.Diff(map[string]string{"LOG_LEVEL": "info"}, m.Environment); diff != "" {
		t.Errorf("provider.environment (-want +got):\n%s", diff)
	}
	postsEnv := map[string]string{
		"POSTS_TABLE":          "eventboard-test-posts",
		"POSTS_INDEX":          "byRecency",
		"REVOCATIONS_TABLE":    "eventboard-test-revocations",
		"OUTBOX_TABLE":         "eventboard-test-outbox",
		"OUTBOX_PENDING_INDEX": "pendingByAge",
		"EVENT_BUS_NAME":       "eventboard-test",
		"LOG_LEVEL":            "info",
	}

	scopes := []string{"aws.cognito.signin.user.admin"}
	wantRoutes := []manifest.Route{
		{Function: "deletePost", Method: "DELETE", Path: "/api/posts/{id}", Authorizer: "cognito", Scopes: scopes},
		{Function: "listPosts", Method: "GET", Path: "/api/posts"},
		{Function: "getPost", Method: "GET", Path: "/api/posts/{id}"},
		{Function: "createPost", Method: "POST", Path: "/api/posts", Authorizer: "cognito", Scopes: scopes},
		{Function: "updatePost", Method: "PUT", Path: "/api/posts/{id}", Authorizer: "cognito", Scopes: scopes},
	}
	var postRoutes []manifest.Route
	for _, r := range m.Routes() {
		if strings.HasPrefix(r.Path, "/api/posts") {
			postRoutes = append(postRoutes, r)
		}
	}
	if diff := cmp.Diff(wantRoutes, postRoutes); diff != "" {
		t.Errorf("Routes (-want +got):\n%s", diff)
	}

	type summary struct {
		Name, FunctionName, Handler, Runtime, Architecture, Artifact, Role string
		Timeout, MemorySize                                                int
		Env                                                                map[string]string
		RouteKeys                                                          []string
	}
	fn := func(name, route string) summary {
		return summary{
			Name: name, FunctionName: "eventboard-test-" + name, Handler: "bootstrap",
			Runtime: "provided.al2023", Architecture: "arm64", Artifact: ".build/" + name + ".zip",
			Role:    strings.ToUpper(name[:1]) + name[1:] + "Role",
			Timeout: 10, MemorySize: 256, Env: postsEnv, RouteKeys: []string{route},
		}
	}
	wantFns := []summary{
		fn("createPost", "POST /api/posts"),
		fn("deletePost", "DELETE /api/posts/{id}"),
		fn("getPost", "GET /api/posts/{id}"),
		fn("listPosts", "GET /api/posts"),
		fn("updatePost", "PUT /api/posts/{id}"),
	}
	var gotFns []summary
	for _, f := range m.Functions {
		if !strings.HasSuffix(f.Name, "Post") && !strings.HasSuffix(f.Name, "Posts") {
			continue
		}
		s := summary{
			Name: f.Name, FunctionName: f.FunctionName, Handler: f.Handler, Runtime: f.Runtime,
			Architecture: f.Architecture, Artifact: f.Artifact, Role: f.Role,
			Timeout: f.Timeout, MemorySize: f.MemorySize, Env: f.Environment,
		}
		for _, r := range f.Routes {
			s.RouteKeys = append(s.RouteKeys, r.Key())
		}
		gotFns = append(gotFns, s)
	}
	if diff := cmp.Diff(wantFns, gotFns); diff != "" {
		t.Errorf("Functions (-want +got):\n%s", diff)
	}

	wantAuth := map[string]manifest.Authorizer{
		"cognito": {
			Name:           "cognito",
			Type:           "jwt",
			IdentitySource: []string{"$request.header.Authorization"},
			IssuerURL: map[string]any{"Fn::Join": []any{"", []any{
				"https://cognito-idp.", "us-east-1", ".amazonaws.com/", map[string]any{"Ref": "CognitoUserPoolUsers"},
			}}},
			Audience: []any{map[string]any{"Ref": "UserPoolClient"}},
		},
	}
	if diff := cmp.Diff(wantAuth, m.Authorizers); diff != "" {
		t.Errorf("Authorizers (-want +got):\n%s", diff)
	}

	// CORS is the local stage's alone (TestNoLocalhostCORSOutsideTheLocalStage).
	if m.CORS != nil {
		t.Errorf("CORS = %+v for stage test, want none", m.CORS)
	}

	// The Posts table in full; the other tables are other features' to pin.
	wantPosts := manifest.Table{
		LogicalID: "PostsTable",
		Name:      "eventboard-test-posts",
		AttributeDefinitions: []manifest.Attribute{
			{Name: "id", Type: "S"},
			{Name: "kind", Type: "S"},
		},
		KeySchema: []manifest.KeyElement{{AttributeName: "id", KeyType: "HASH"}},
		GlobalSecondaryIndexes: []manifest.Index{{
			Name: "byRecency",
			KeySchema: []manifest.KeyElement{
				{AttributeName: "kind", KeyType: "HASH"},
				{AttributeName: "id", KeyType: "RANGE"},
			},
			ProjectionType: "ALL",
		}},
		BillingMode:         "PAY_PER_REQUEST",
		TTLAttribute:        "expiresAt", // Idempotency-Key claims
		PointInTimeRecovery: true,
		DeletionPolicy:      "Retain",
	}
	posts, ok := m.Table("PostsTable")
	if !ok {
		t.Fatal("no PostsTable")
	}
	if diff := cmp.Diff(wantPosts, posts); diff != "" {
		t.Errorf("PostsTable (-want +got):\n%s", diff)
	}

	for _, id := range []string{"CognitoUserPoolUsers", "UserPoolClient", "ListPostsRole"} {
		if _, ok := m.Resources[id]; !ok {
			t.Errorf("Resources lacks %s", id)
		}
	}
}

// TestCORSOnlyForTheLocalStage: only the local stage lets the Vite dev
// server's origins call the API.
func TestCORSOnlyForTheLocalStage(t *testing.T) {
	t.Parallel()
	vite := &manifest.CORS{
		AllowedOrigins:   []string{"http://127.0.0.1:5173", "http://localhost:5173"},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Idempotency-Key"},
		AllowedMethods:   []string{"GET", "POST", "PUT", "DELETE"},
		AllowCredentials: true,
		MaxAge:           600,
	}
	for _, tc := range []struct {
		stage string
		want  *manifest.CORS
	}{
		{stage: "local", want: vite},
		{stage: "dev", want: nil},
		{stage: "prod", want: nil},
	} {
		t.Run(tc.stage, func(t *testing.T) {
			t.Parallel()
			m, err := manifest.Load(serverlessYML, manifest.Options{Stage: tc.stage})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, m.CORS); diff != "" {
				t.Errorf("CORS (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadServerlessYMLDefaultStage(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load(serverlessYML, manifest.Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if m.Stage != "dev" || m.Region != "us-east-1" {
		t.Errorf("stage, region = %q, %q; want dev, us-east-1", m.Stage, m.Region)
	}
	posts, ok := m.Table("PostsTable")
	if !ok || posts.Name != "eventboard-dev-posts" {
		t.Errorf("PostsTable name = %q (found %v), want eventboard-dev-posts", posts.Name, ok)
	}
	if f, _ := m.Function("getPost"); f.FunctionName != "eventboard-dev-getPost" {
		t.Errorf("getPost FunctionName = %q, want eventboard-dev-getPost", f.FunctionName)
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	if _, err := manifest.Load("testdata/no-such-file.yml", manifest.Options{}); err == nil {
		t.Fatal("Load of a missing file: no error")
	}
}

// doc is a minimal serverless.yml with extra YAML appended.
func doc(extra string) []byte {
	return []byte("service: svc\nprovider:\n  name: aws\n  runtime: provided.al2023\n" + extra)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		yaml    string
		wantIs  error  // when set, errors.Is must hold
		wantMsg string // the error must contain this
	}{
		{
			name:    "malformed YAML",
			yaml:    "service: svc\nprovider: [unclosed\n",
			wantMsg: "parse YAML",
		},
		{
			name:    "not a mapping",
			yaml:    "- just\n- a list\n",
			wantMsg: "top level is a list",
		},
		{
			name:    "duplicate key",
			yaml:    "service: a\nservice: b\nprovider:\n  name: aws\n",
			wantMsg: `duplicate key "service"`,
		},
		{
			name:    "unknown tag",
			yaml:    string(doc("custom:\n  x: !Nope y\n")),
			wantMsg: "unknown tag !Nope",
		},
		{
			name:    "missing service",
			yaml:    "provider:\n  name: aws\n",
			wantMsg: "service: missing",
		},
		{
			name:    "not aws",
			yaml:    "service: svc\nprovider:\n  name: azure\n",
			wantMsg: `provider.name: is "azure"`,
		},
		{
			name:    "unknown variable source",
			yaml:    string(doc("custom:\n  x: ${nope:thing}\n")),
			wantIs:  manifest.ErrVariable,
			wantMsg: `custom.x: ${nope:thing}: unresolvable variable: unknown variable source "nope"`,
		},
		{
			name:    "self path without a value",
			yaml:    string(doc("custom:\n  x: ${self:custom.missing}\n")),
			wantIs:  manifest.ErrVariable,
			wantMsg: "${self:custom.missing} has no value",
		},
		{
			name:    "param without a value",
			yaml:    string(doc("custom:\n  x: ${param:missing}\n")),
			wantIs:  manifest.ErrVariable,
			wantMsg: "${param:missing} has no value",
		},
		{
			name:    "unterminated variable",
			yaml:    string(doc("custom:\n  x: ${self:custom.y\n")),
			wantIs:  manifest.ErrVariable,
			wantMsg: "missing closing bracket",
		},
		{
			name:    "unquoted word fallback",
			yaml:    string(doc("custom:\n  x: ${opt:stage, dev}\n")),
			wantIs:  manifest.ErrVariable,
			wantMsg: `invalid literal source "dev"`,
		},
		{
			name:    "cycle",
			yaml:    string(doc("custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n")),
			wantIs:  manifest.ErrVariable,
			wantMsg: "refers to itself",
		},
		{
			name:    "mapping embedded in a string",
			yaml:    string(doc("custom:\n  m: {a: 1}\n  x: pre-${self:custom.m}\n")),
			wantIs:  manifest.ErrVariable,
			wantMsg: "cannot be embedded in a string",
		},
		{
			name:    "environment needs AWS",
			yaml:    string(doc("  environment:\n    ACCOUNT: ${aws:accountId}\n")),
			wantIs:  manifest.ErrNeedsAWS,
			wantMsg: "provider.environment.ACCOUNT is ${aws:accountId}",
		},
		{
			name:    "table name needs AWS",
			yaml:    string(doc(tableYAML("${ssm:/eventboard/table}"))),
			wantIs:  manifest.ErrNeedsAWS,
			wantMsg: "resources.Resources.T.Properties.TableName is ${ssm:/eventboard/table}",
		},
		{
			name:    "stage needs AWS",
			yaml:    "service: svc\nprovider:\n  name: aws\n  stage: ${ssm:/stage}\n",
			wantIs:  manifest.ErrNeedsAWS,
			wantMsg: "stage is ${ssm:/stage}",
		},
		{
			name:    "route without method",
			yaml:    string(doc(fnYAML("{path: /x}"))),
			wantMsg: "functions.f.events[0].httpApi: missing method",
		},
		{
			name:    "route without path",
			yaml:    string(doc(fnYAML("{method: GET}"))),
			wantMsg: "functions.f.events[0].httpApi: missing path",
		},
		{
			name:    "route with a relative path",
			yaml:    string(doc(fnYAML("{method: GET, path: x}"))),
			wantMsg: `path "x"`,
		},
		{
			name:    "route with an unknown method",
			yaml:    string(doc(fnYAML("{method: FETCH, path: /x}"))),
			wantMsg: `unknown method "FETCH"`,
		},
		{
			name:    "route with an undeclared authorizer",
			yaml:    string(doc(fnYAML("{method: GET, path: /x, authorizer: {name: nope}}"))),
			wantMsg: `authorizer "nope" is not declared`,
		},
		{
			name:    "route with aws_iam",
			yaml:    string(doc(fnYAML("{method: GET, path: /x, authorizer: {type: aws_iam}}"))),
			wantMsg: "aws_iam authorization is not supported",
		},
		{
			name: "duplicate route",
			yaml: string(doc("functions:\n" +
				"  a: {handler: h, events: [{httpApi: 'GET /x'}]}\n" +
				"  b: {handler: h, events: [{httpApi: 'get /x'}]}\n")),
			wantMsg: `route "GET /x" is also defined by function a`,
		},
		{
			name:    "event that is not a mapping",
			yaml:    string(doc("functions:\n  f:\n    handler: h\n    events:\n      - httpApi\n")),
			wantMsg: "functions.f.events[0]: is a string",
		},
		{
			name:    "CORS with credentials and any origin",
			yaml:    string(doc("  httpApi:\n    cors:\n      allowCredentials: true\n")),
			wantMsg: `"*" cannot be combined with allowCredentials`,
		},
		{
			name:    "jwt authorizer without audience",
			yaml:    string(doc("  httpApi:\n    authorizers:\n      a: {identitySource: $request.header.Authorization, issuerUrl: https://x}\n")),
			wantMsg: "provider.httpApi.authorizers.a: missing audience",
		},
		{
			name:    "resource without a type",
			yaml:    string(doc("resources:\n  Resources:\n    R:\n      Properties: {}\n")),
			wantMsg: "resources.Resources.R.Type: missing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := manifest.Parse([]byte(tt.yaml), manifest.Options{})
			if err == nil {
				t.Fatal("Parse: no error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Parse error %q is not %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Parse error %q does not contain %q", err, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "manifest: ") {
				t.Errorf("Parse error %q lacks the package's context", err)
			}
		})
	}
}

func fnYAML(httpAPI string) string {
	return "functions:\n  f:\n    handler: h\n    events:\n      - httpApi: " + httpAPI + "\n"
}

func tableYAML(name string) string {
	return `resources:
  Resources:
    T:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: ` + name + `
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
`
}

// A variable only AWS can resolve is no error where the local stack does not
// need its value; it stays in the document as an Unresolved.
func TestParseKeepsUnneededAWSVariables(t *testing.T) {
	t.Parallel()
	m, err := manifest.Parse(doc(`resources:
  Resources:
    Topic:
      Type: AWS::SNS::Topic
      Properties:
        TopicName: topic-${aws:accountId}
`), manifest.Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	got := m.Resources["Topic"].Properties["TopicName"]
	want := manifest.Unresolved{Expr: "topic-${aws:accountId}", Reason: "aws:accountId needs AWS credentials"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TopicName (-want +got):\n%s", diff)
	}
}
