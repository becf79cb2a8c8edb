package manifest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest"
)

func TestFunctionURLLogicalID(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"getPost":   "GetPostLambdaFunctionUrl",
		"listPosts": "ListPostsLambdaFunctionUrl",
		"get-post":  "GetDashpostLambdaFunctionUrl",
		"get_post":  "GetUnderscorepostLambdaFunctionUrl",
		"a-b_c":     "ADashbUnderscorecLambdaFunctionUrl",
	} {
		if got := manifest.FunctionURLLogicalID(name); got != want {
			t.Errorf("FunctionURLLogicalID(%q) = %q, want %q", name, got, want)
		}
	}
}

// The origins of serverless.yml's distribution that are function URLs,
// and whose.
func TestFunctionURLOriginsFromServerlessYML(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "test", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.FunctionURLOrigins()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"list-url": "listPosts", "post-url": "getPost"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestGetAtt(t *testing.T) {
	t.Parallel()
	host := map[string]any{"Fn::Select": []any{2, map[string]any{"Fn::Split": []any{"/", map[string]any{"Fn::GetAtt": []any{"GetPostLambdaFunctionUrl", "FunctionUrl"}}}}}}
	for _, tc := range []struct {
		name string
		v    any
		attr string
		want string // "": none
	}{
		{"nested in Select and Split", host, "FunctionUrl", "GetPostLambdaFunctionUrl"},
		{"another attribute", host, "Arn", ""},
		{"the dotted form", map[string]any{"Fn::GetAtt": "SiteRouting.FunctionARN"}, "FunctionARN", "SiteRouting"},
		{"a plain string", "example.com", "FunctionUrl", ""},
		{"a Ref", map[string]any{"Ref": "HttpApi"}, "FunctionUrl", ""},
	} {
		got, ok := manifest.GetAtt(tc.v, tc.attr)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
}
