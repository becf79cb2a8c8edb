package manifest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest"
)

func TestParseResolvesVariables(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HOME_TABLE": "from-env"}
	lookupEnv := func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
	tests := []struct {
		name string
		yaml string // appended to a document with provider.name aws
		opts manifest.Options
		want any // custom.x, resolved
	}{
		{
			name: "sls:stage defaults to dev",
			yaml: "custom:\n  x: ${sls:stage}\n",
			want: "dev",
		},
		{
			name: "sls:stage from the option",
			yaml: "custom:\n  x: ${sls:stage}\n",
			opts: manifest.Options{Stage: "prod"},
			want: "prod",
		},
		{
			name: "sls:stage from provider.stage and its fallback",
			yaml: "  stage: ${opt:stage, 'staging'}\ncustom:\n  x: ${sls:stage}\n",
			want: "staging",
		},
		{
			name: "opt:region with a double-quoted fallback",
			yaml: "custom:\n  x: ${opt:region, \"eu-west-1\"}\n",
			want: "eu-west-1",
		},
		{
			name: "opt:region from the option",
			yaml: "custom:\n  x: ${opt:region, 'eu-west-1'}\n",
			opts: manifest.Options{Region: "ap-south-1"},
			want: "ap-south-1",
		},
		{
			name: "aws:region from provider.region",
			yaml: "  region: eu-central-1\ncustom:\n  x: ${aws:region}\n",
			want: "eu-central-1",
		},
		{
			name: "aws:region defaults to us-east-1",
			yaml: "custom:\n  x: ${aws:region}\n",
			want: "us-east-1",
		},
		{
			name: "self keeps the value's type",
			yaml: "custom:\n  n: 30\n  x: ${self:custom.n}\n",
			want: 30,
		},
		{
			name: "self of a mapping",
			yaml: "custom:\n  m: {a: [1, two]}\n  x: ${self:custom.m}\n",
			want: map[string]any{"a": []any{1, "two"}},
		},
		{
			name: "self into a list",
			yaml: "custom:\n  l: [zero, one]\n  x: ${self:custom.l.1}\n",
			want: "one",
		},
		{
			name: "self through a value that is itself a variable",
			yaml: "custom:\n  a: ${self:custom.b}\n  b: {c: deep}\n  x: ${self:custom.a.c}\n",
			want: "deep",
		},
		{
			name: "embedded variables",
			yaml: "custom:\n  n: 3\n  x: ${self:service}-${sls:stage}-v${self:custom.n}\n",
			want: "svc-dev-v3",
		},
		{
			name: "nested address",
			yaml: "custom:\n  tables: {dev: t-dev, prod: t-prod}\n  x: ${self:custom.tables.${sls:stage}}\n",
			opts: manifest.Options{Stage: "prod"},
			want: "t-prod",
		},
		{
			name: "fallback to another source",
			yaml: "custom:\n  y: why\n  x: ${opt:nothing, self:custom.y}\n",
			want: "why",
		},
		{
			name: "numeric literal fallback",
			yaml: "custom:\n  x: ${opt:nothing, 42}\n",
			want: 42,
		},
		{
			name: "param from the stage's params",
			yaml: "params:\n  prod: {p: stage-value}\n  default: {p: default-value}\ncustom:\n  x: ${param:p}\n",
			opts: manifest.Options{Stage: "prod"},
			want: "stage-value",
		},
		{
			name: "param from the default params",
			yaml: "params:\n  prod: {p: stage-value}\n  default: {p: default-value}\ncustom:\n  x: ${param:p}\n",
			want: "default-value",
		},
		{
			name: "param from the params of another stage",
			yaml: "params:\n  local: {p: local-value}\n  default: {p: default-value}\ncustom:\n  x: ${param:p}\n  s: ${sls:stage}\n",
			opts: manifest.Options{Stage: "test7", ParamsStage: "local"},
			want: "local-value",
		},
		{
			name: "params of another stage fall back to the default ones",
			yaml: "params:\n  default: {p: default-value}\ncustom:\n  x: ${param:p}\n",
			opts: manifest.Options{Stage: "test7", ParamsStage: "local"},
			want: "default-value",
		},
		{
			name: "param option wins",
			yaml: "params:\n  default: {p: default-value}\ncustom:\n  x: ${param:p}\n",
			opts: manifest.Options{Params: map[string]string{"p": "cli"}},
			want: "cli",
		},
		{
			name: "param whose value is a variable",
			yaml: "params:\n  default: {p: 'table-${sls:stage}'}\ncustom:\n  x: ${param:p}\n",
			want: "table-dev",
		},
		{
			name: "env",
			yaml: "custom:\n  x: ${env:HOME_TABLE}\n",
			want: "from-env",
		},
		{
			name: "env fallback",
			yaml: "custom:\n  x: ${env:UNSET, 'fallback'}\n",
			want: "fallback",
		},
		{
			name: "an AWS-only source gives way to its fallback",
			yaml: "custom:\n  x: ${ssm:/eventboard/table, 'local-table'}\n",
			want: "local-table",
		},
		{
			name: "an AWS-only source is kept as Unresolved",
			yaml: "custom:\n  x: ${aws:accountId}\n",
			want: manifest.Unresolved{Expr: "${aws:accountId}", Reason: "aws:accountId needs AWS credentials"},
		},
		{
			name: "a string embedding an AWS-only source is Unresolved whole",
			yaml: "custom:\n  x: arn:aws:sqs:${aws:region}:${aws:accountId}:q\n",
			want: manifest.Unresolved{
				Expr:   "arn:aws:sqs:${aws:region}:${aws:accountId}:q",
				Reason: "aws:accountId needs AWS credentials",
			},
		},
		{
			name: "escaped variable",
			yaml: "custom:\n  x: '\\${self:service}'\n",
			want: "${self:service}",
		},
		{
			name: "CloudFormation Fn::Sub text is left alone",
			yaml: "custom:\n  x: {Fn::Sub: 'arn:${AWS::Partition}:s3:::${Bucket}/${self:service}'}\n",
			want: map[string]any{"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/svc"},
		},
		{
			name: "short-form intrinsics",
			yaml: "custom:\n  x: [!Ref Thing, !GetAtt Table.StreamArn, !Sub 'x-${AWS::Region}', !Join ['', [a, b]]]\n",
			want: []any{
				map[string]any{"Ref": "Thing"},
				map[string]any{"Fn::GetAtt": []any{"Table", "StreamArn"}},
				map[string]any{"Fn::Sub": "x-${AWS::Region}"},
				map[string]any{"Fn::Join": []any{"", []any{"a", "b"}}},
			},
		},
		{
			name: "aliases and merge keys",
			yaml: "custom:\n  base: &base {a: 1, b: 2}\n  x:\n    <<: *base\n    b: 3\n",
			want: map[string]any{"a": 1, "b": 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts
			opts.LookupEnv = lookupEnv
			m, err := manifest.Parse(doc(tt.yaml), opts)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := m.Raw["custom"].(map[string]any)["x"]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("custom.x (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFunctions(t *testing.T) {
	t.Parallel()
	m, err := manifest.Parse(doc(`  architecture: arm64
  environment:
    SHARED: one
    QUEUE_URL: {Ref: Queue}
    OVERRIDDEN: provider
  httpApi:
    cors: true
    authorizers:
      jwt:
        identitySource: $request.header.Authorization
        issuerUrl: https://issuer.example
        audience: client-id
package:
  artifact: service.zip
functions:
  api:
    handler: bootstrap
    name: custom-name
    timeout: 3
    environment:
      OVERRIDDEN: function
      QUEUE_URL: plain
      TABLE: {Ref: Table}
    events:
      - httpApi: '*'
      - httpApi: 'patch /items/{id}'
      - httpApi:
          method: '*'
          path: /any
          authorizer: jwt
  worker:
    handler: bootstrap
    memorySize: 512
    package:
      artifact: worker.zip
    events:
      - sqs:
          arn: {Fn::GetAtt: [Queue, Arn]}
          batchSize: 10
`), manifest.Options{Stage: "s"})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	api, _ := m.Function("api")
	worker, _ := m.Function("worker")

	type summary struct {
		FunctionName, Artifact, Architecture string
		Timeout, MemorySize                  int
		Env                                  map[string]string
		EnvIntrinsics                        map[string]any
		Routes                               []manifest.Route
		Events                               []manifest.Event
	}
	got := []summary{
		{api.FunctionName, api.Artifact, api.Architecture, api.Timeout, api.MemorySize,
			api.Environment, api.EnvironmentIntrinsics, api.Routes, nil},
		{worker.FunctionName, worker.Artifact, worker.Architecture, worker.Timeout, worker.MemorySize,
			worker.Environment, worker.EnvironmentIntrinsics, worker.Routes, worker.Events},
	}
	want := []summary{
		{
			FunctionName: "custom-name", Artifact: "service.zip", Architecture: "arm64",
			Timeout: 3, MemorySize: 1024,
			Env:           map[string]string{"SHARED": "one", "OVERRIDDEN": "function", "QUEUE_URL": "plain"},
			EnvIntrinsics: map[string]any{"TABLE": map[string]any{"Ref": "Table"}},
			Routes: []manifest.Route{
				{Function: "api", Path: "*"},
				{Function: "api", Method: "PATCH", Path: "/items/{id}"},
				{Function: "api", Method: "ANY", Path: "/any", Authorizer: "jwt"},
			},
		},
		{
			FunctionName: "svc-s-worker", Artifact: "worker.zip", Architecture: "arm64",
			Timeout: 6, MemorySize: 512,
			Env:           map[string]string{"SHARED": "one", "OVERRIDDEN": "provider"},
			EnvIntrinsics: map[string]any{"QUEUE_URL": map[string]any{"Ref": "Queue"}},
			Events: []manifest.Event{{Type: "sqs", Config: map[string]any{
				"arn":       map[string]any{"Fn::GetAtt": []any{"Queue", "Arn"}},
				"batchSize": 10,
			}}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("functions (-want +got):\n%s", diff)
	}

	if keys := []string{m.Routes()[0].Key(), m.Routes()[1].Key()}; keys[0] != "$default" || keys[1] != "ANY /any" {
		t.Errorf("first route keys = %q, want $default, ANY /any", keys)
	}

	wantCORS := &manifest.CORS{
		AllowedOrigins: []string{"*"},
		AllowedHeaders: []string{
			"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key",
			"X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id",
		},
		AllowedMethods: []string{"OPTIONS", "GET", "POST", "PUT", "PATCH", "HEAD", "DELETE"},
	}
	if diff := cmp.Diff(wantCORS, m.CORS); diff != "" {
		t.Errorf("CORS (-want +got):\n%s", diff)
	}
	if got := m.Authorizers["jwt"].Audience; !cmp.Equal(got, []any{"client-id"}) {
		t.Errorf("audience = %v, want [client-id]", got)
	}
}

func TestParseCORSMethodsFromRoutes(t *testing.T) {
	t.Parallel()
	m, err := manifest.Parse(doc(`  httpApi:
    cors:
      allowedOrigins: https://app.example
      exposedResponseHeaders: [Location]
functions:
  f:
    handler: h
    events:
      - httpApi: GET /a
      - httpApi: DELETE /a
`), manifest.Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &manifest.CORS{
		AllowedOrigins: []string{"https://app.example"},
		AllowedHeaders: []string{
			"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key",
			"X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id",
		},
		AllowedMethods:         []string{"OPTIONS", "DELETE", "GET"},
		ExposedResponseHeaders: []string{"Location"},
	}
	if diff := cmp.Diff(want, m.CORS); diff != "" {
		t.Errorf("CORS (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("service: s\nprovider: {name: aws}\ncustom: {x: '${self:custom.y, ${opt:z}}'}\n"))
	f.Add([]byte("a: ${a:b, 'c'}\nb: \\${x}\nc: ${self:a.${sls:stage}}-${env:X, 1.5}"))
	f.Add([]byte("x: &a [*a]\n"))
	f.Add([]byte("x: !GetAtt A.B\ny: !Sub '${AWS::Region}'\n<<: {z: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = manifest.Parse(data, manifest.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	})
}
