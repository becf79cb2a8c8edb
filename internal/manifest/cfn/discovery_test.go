package cfn_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest/cfn"
)

// subscribersEnv names the subscriberAccounts param the template was
// packaged with (comma-separated account ids); empty or unset: none, the
// default. make test-deploy packages once without and once with accounts.
const subscribersEnv = "EVENTBOARD_CFN_SUBSCRIBERS"

const repoRoot = "../../.."

// TestGeneratedTemplateDiscovery checks what lets downstream teams find and
// use the events in the packaged template: the schema registry with one
// schema per event type and version, the bus's name and ARN as outputs and
// SSM parameters, and the bus policy for the subscriber accounts, present
// exactly when the stage lists some.
func TestGeneratedTemplateDiscovery(t *testing.T) {
	path := os.Getenv(templateEnv)
	if path == "" {
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%s=1 but %s is unset: run scripts/sls-package.sh", requireEnv, templateEnv)
		}
		t.Skipf("%s is unset; see scripts/sls-package.sh", templateEnv)
	}
	tmpl, err := cfn.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	stage := os.Getenv(stageEnv)
	if stage == "" {
		stage = "test"
	}
	var accounts []string
	if s := os.Getenv(subscribersEnv); s != "" {
		accounts = strings.Split(s, ",")
	}

	t.Run("schema registry", func(t *testing.T) {
		registries := tmpl.ResourcesOfType("AWS::EventSchemas::Registry")
		if len(registries) != 1 || tmpl.Resources[registries[0]].Properties["RegistryName"] != "eventboard-"+stage {
			t.Fatalf("registries %v, want one named eventboard-%s", registries, stage)
		}
		registry := registries[0]
		want := registrySchemas(t)
		got := map[string]string{}
		for _, id := range tmpl.ResourcesOfType("AWS::EventSchemas::Schema") {
			p := tmpl.Resources[id].Properties
			name, _ := p["SchemaName"].(string)
			content, _ := p["Content"].(string)
			reg, err := cfn.Render(p["RegistryName"])
			if err != nil || reg != "${"+registry+".RegistryName}" || p["Type"] != "JSONSchemaDraft4" {
				t.Errorf("%s: RegistryName %v, Type %v; want %s's, JSONSchemaDraft4", id, p["RegistryName"], p["Type"], registry)
			}
			got[name] = content
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("schemas by name (-events/registry +template):\n%s", diff)
		}
	})

	t.Run("outputs and SSM parameters", func(t *testing.T) {
		params := map[string]string{}
		for _, id := range tmpl.ResourcesOfType("AWS::SSM::Parameter") {
			p := tmpl.Resources[id].Properties
			value, err := cfn.Render(p["Value"])
			if err != nil || p["Type"] != "String" {
				t.Errorf("%s: Type %v, Value %v", id, p["Type"], p["Value"])
			}
			params[p["Name"].(string)] = value
		}
		wantParams := map[string]string{
			"/eventboard/" + stage + "/event-bus-name": "${EventBus}",
			"/eventboard/" + stage + "/event-bus-arn":  "${EventBus.Arn}",
		}
		if diff := cmp.Diff(wantParams, params); diff != "" {
			t.Errorf("SSM parameters (-want +got):\n%s", diff)
		}
		outputs := map[string]string{}
		for name, o := range tmpl.Outputs {
			value, err := cfn.Render(o.(map[string]any)["Value"])
			if err != nil {
				t.Errorf("output %s: %v", name, err)
			}
			outputs[name] = value
		}
		for name, want := range map[string]string{"EventBusName": "${EventBus}", "EventBusArn": "${EventBus.Arn}", "SchemaRegistryName": "${SchemaRegistry.RegistryName}"} {
			if outputs[name] != want {
				t.Errorf("output %s = %q, want %q", name, outputs[name], want)
			}
		}
	})

	t.Run("bus policy", func(t *testing.T) {
		policies := tmpl.ResourcesOfType("AWS::Events::EventBusPolicy")
		if len(policies) != 1 {
			t.Fatalf("bus policies %v, want one (conditional)", policies)
		}
		policy := tmpl.Resources[policies[0]]
		created, err := conditionHolds(tmpl, policy.Condition)
		if err != nil {
			t.Fatal(err)
		}
		if created != (len(accounts) > 0) {
			t.Fatalf("policy created = %v with accounts %q: want it exactly when the stage lists accounts", created, accounts)
		}
		if !created {
			return
		}
		bus, _ := cfn.Render(policy.Properties["EventBusName"])
		stmt, _ := policy.Properties["Statement"].(map[string]any)
		principal, _ := stmt["Principal"].(map[string]any)
		split, _ := principal["AWS"].(map[string]any)["Fn::Split"].([]any)
		if bus != "${EventBus}" || stmt["Effect"] != "Allow" || len(split) != 2 || split[0] != "," {
			t.Fatalf("policy on %q: %v", bus, stmt)
		}
		if got := strings.Split(split[1].(string), ","); !cmp.Equal(accounts, got) {
			t.Errorf("principals %q, want the accounts %q", got, accounts)
		}
		actions := toStrings(stmt["Action"])
		for _, a := range []string{"events:PutRule", "events:PutTargets"} {
			if !slices.Contains(actions, a) {
				t.Errorf("actions %v lack %s", actions, a)
			}
		}
		for _, a := range actions {
			if a == "events:PutEvents" || strings.HasSuffix(a, "*") {
				t.Errorf("subscribers may %s", a)
			}
		}
		resource, _ := cfn.Render(stmt["Resource"])
		if resource != "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${EventBus}/*" {
			t.Errorf("resource %q, want the bus's rules", resource)
		}
		creator, _ := cfn.Render(mapAt(mapAt(stmt, "Condition"), "StringEqualsIfExists")["events:creatorAccount"])
		if creator != "${aws:PrincipalAccount}" {
			t.Errorf("events:creatorAccount must be the caller's own account, is %q", creator)
		}
	})
}

// registrySchemas is what the registry must hold: for each schema of
// events/schemas/, its name <source>@<DetailType>.v<N> and its draft 4 form
// from events/registry/content.json.
func registrySchemas(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "events", "registry", "content.json"))
	if err != nil {
		t.Fatal(err)
	}
	var content map[string]string
	if err := json.Unmarshal(raw, &content); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(repoRoot, "events", "schemas", "*.v*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schemas: %v", err)
	}
	name := regexp.MustCompile(`^([A-Za-z]+)\.v([0-9]+)\.json$`)
	want := map[string]string{}
	for _, f := range files {
		m := name.FindStringSubmatch(filepath.Base(f))
		sample, err := os.ReadFile(filepath.Join(repoRoot, "events", "samples", m[1]+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var ev struct{ Source string }
		if err := json.Unmarshal(sample, &ev); err != nil || ev.Source == "" {
			t.Fatalf("%s: no source: %v", m[1], err)
		}
		want[ev.Source+"@"+m[1]+".v"+m[2]] = content[m[1]+"V"+m[2]]
	}
	return want
}

// conditionHolds evaluates a condition of the template that compares
// literals: Fn::Not, Fn::Equals, Fn::And, Fn::Or of strings and other
// conditions. An empty name holds.
func conditionHolds(tmpl *cfn.Template, name string) (bool, error) {
	if name == "" {
		return true, nil
	}
	return evalCondition(tmpl, tmpl.Conditions[name])
}

func evalCondition(tmpl *cfn.Template, v any) (bool, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false, errUnevaluable(v)
	}
	for fn, arg := range m {
		args, _ := arg.([]any)
		switch fn {
		case "Condition":
			name, _ := arg.(string)
			return conditionHolds(tmpl, name)
		case "Fn::Equals":
			a, okA := args[0].(string)
			b, okB := args[1].(string)
			if len(args) != 2 || !okA || !okB {
				return false, errUnevaluable(v)
			}
			return a == b, nil
		case "Fn::Not":
			if len(args) != 1 {
				return false, errUnevaluable(v)
			}
			holds, err := evalCondition(tmpl, args[0])
			return !holds, err
		case "Fn::And", "Fn::Or":
			all := fn == "Fn::And"
			for _, a := range args {
				holds, err := evalCondition(tmpl, a)
				if err != nil {
					return false, err
				}
				if holds != all {
					return holds, nil
				}
			}
			return all, nil
		}
	}
	return false, errUnevaluable(v)
}

type unevaluable struct{ v any }

func (u unevaluable) Error() string {
	b, _ := json.Marshal(u.v)
	return "cannot evaluate condition " + string(b)
}

func errUnevaluable(v any) error { return unevaluable{v} }
