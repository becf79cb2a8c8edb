package cfn_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest/cfn"
)

func loadFixture(t *testing.T) *cfn.Template {
	t.Helper()
	tmpl, err := cfn.Load("testdata/template.json")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return tmpl
}

func TestDangling(t *testing.T) {
	t.Parallel()
	want := []cfn.Reference{
		{From: "Outputs.Bad.Value", Kind: "Fn::GetAtt", Target: "Nowhere"},
		{From: "Resources.Fn.DependsOn", Kind: "DependsOn", Target: "Missing"},
		{From: "Resources.Fn.Properties.Environment.Variables.ARN", Kind: "Fn::Sub", Target: "Ghost"},
		{From: "Resources.Fn.Properties.Environment.Variables.GONE", Kind: "Ref", Target: "NoSuchThing"},
		{From: "Resources.Fn.Properties.Environment.Variables.OPT", Kind: "Condition", Target: "NoSuchCondition"},
	}
	if diff := cmp.Diff(want, loadFixture(t).Dangling()); diff != "" {
		t.Errorf("Dangling (-want +got):\n%s", diff)
	}
}

func TestReferencesIncludeResolvedOnes(t *testing.T) {
	t.Parallel()
	refs := loadFixture(t).References()
	for _, want := range []cfn.Reference{
		{From: "Resources.Table.Properties.TableName", Kind: "Fn::Sub", Target: "Stage"},
		{From: "Resources.Table.Properties.TableName", Kind: "Fn::Sub", Target: "AWS::Region"},
		{From: "Resources.Fn.Properties.Role", Kind: "Fn::GetAtt", Target: "FnRole"},
		{From: "Resources.Fn.Condition", Kind: "Condition", Target: "IsProd"},
		{From: "Conditions.IsProd.Fn::Equals[0]", Kind: "Ref", Target: "Stage"},
		{From: "Outputs.TableName.Value", Kind: "Ref", Target: "Table"},
	} {
		found := false
		for _, r := range refs {
			found = found || r == want
		}
		if !found {
			t.Errorf("References lacks %+v", want)
		}
	}
}

func TestRolePermissions(t *testing.T) {
	t.Parallel()
	got, err := loadFixture(t).RolePermissions("FnRole")
	if err != nil {
		t.Fatalf("RolePermissions: %v", err)
	}
	want := []cfn.Permission{
		{Action: "dynamodb:Query", Resource: "${Table.Arn}/index/byX"},
		{Action: "dynamodb:Query", Resource: "${Table.Arn}/index/byY"},
		{Action: "logs:CreateLogStream", Resource: "${FnLogGroup.Arn}"},
		{Action: "logs:PutLogEvents", Resource: "${FnLogGroup.Arn}"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RolePermissions (-want +got):\n%s", diff)
	}
}

func TestRolePermissionsRefusesWhatItCannotEnumerate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, role, wantMsg string
	}{
		{"managed policy", `{"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": ["arn:x"]}}`, "ManagedPolicyArns"},
		{"deny", statementRole(`{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}`), "want Allow"},
		{"not action", statementRole(`{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}`), "NotAction"},
		{"condition", statementRole(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {}}`), "Condition"},
		{"no resource", statementRole(`{"Effect": "Allow", "Action": "s3:GetObject"}`), "needs Action and Resource"},
		{"unrenderable resource", statementRole(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Select": [0, []]}}`), "cannot render"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := cfn.Parse([]byte(`{"Resources": {"R": ` + tt.role + `}}`))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			_, err = tmpl.RolePermissions("R")
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("RolePermissions error = %v, want one containing %q", err, tt.wantMsg)
			}
		})
	}
}

func statementRole(stmt string) string {
	return `{"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [` + stmt + `]}}]}}`
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   any
		want string
	}{
		{"plain", "plain"},
		{map[string]any{"Ref": "X"}, "${X}"},
		{map[string]any{"Fn::GetAtt": []any{"T", "Arn"}}, "${T.Arn}"},
		{map[string]any{"Fn::GetAtt": "T.StreamArn"}, "${T.StreamArn}"},
		{map[string]any{"Fn::Join": []any{":", []any{"a", map[string]any{"Ref": "AWS::Region"}}}}, "a:${AWS::Region}"},
		{map[string]any{"Fn::Sub": "x-${AWS::Region}"}, "x-${AWS::Region}"},
	}
	for _, tt := range tests {
		got, err := cfn.Render(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Render(%v) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{`, `{"Resources": {}}`, `[]`} {
		if _, err := cfn.Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%s): no error", in)
		}
	}
}
