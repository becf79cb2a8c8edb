package cfn

import (
	"fmt"
	"sort"
)

// Permission is one action allowed on one resource, the resource rendered
// by Render ("${PostsTable.Arn}").
type Permission struct {
	Action   string
	Resource string
}

// RolePermissions returns what the AWS::IAM::Role with the given logical ID
// allows through its inline policies, one Permission per action and
// resource, sorted. It refuses what it cannot enumerate exactly: managed
// policies, a permissions boundary it cannot see into, Deny, NotAction and
// NotResource statements, and conditions.
func (t *Template) RolePermissions(roleID string) ([]Permission, error) {
	role, ok := t.Resources[roleID]
	if !ok || role.Type != "AWS::IAM::Role" {
		return nil, fmt.Errorf("cfn.RolePermissions: %s is not an AWS::IAM::Role", roleID)
	}
	for _, key := range []string{"ManagedPolicyArns", "PermissionsBoundary"} {
		if _, ok := role.Properties[key]; ok {
			return nil, fmt.Errorf("cfn.RolePermissions %s: has %s", roleID, key)
		}
	}
	policies, _ := role.Properties["Policies"].([]any)
	seen := map[Permission]bool{}
	var out []Permission
	for i, p := range policies {
		doc, _ := mapAt(p, "PolicyDocument")
		stmts, ok := doc["Statement"].([]any)
		if !ok {
			if one, isMap := doc["Statement"].(map[string]any); isMap {
				stmts = []any{one}
			}
		}
		for j, s := range stmts {
			perms, err := statementPermissions(s)
			if err != nil {
				return nil, fmt.Errorf("cfn.RolePermissions %s: Policies[%d] Statement[%d]: %w", roleID, i, j, err)
			}
			for _, perm := range perms {
				if !seen[perm] {
					seen[perm] = true
					out = append(out, perm)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Action != out[j].Action {
			return out[i].Action < out[j].Action
		}
		return out[i].Resource < out[j].Resource
	})
	return out, nil
}

func statementPermissions(s any) ([]Permission, error) {
	stmt, ok := s.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a mapping")
	}
	for _, key := range []string{"NotAction", "NotResource", "Condition"} {
		if _, ok := stmt[key]; ok {
			return nil, fmt.Errorf("has %s", key)
		}
	}
	if stmt["Effect"] != "Allow" {
		return nil, fmt.Errorf("effect %v, want Allow", stmt["Effect"])
	}
	actions, err := stringsOf(stmt["Action"])
	if err != nil {
		return nil, fmt.Errorf("statement action: %w", err)
	}
	var resources []string
	for _, r := range listOf(stmt["Resource"]) {
		s, err := Render(r)
		if err != nil {
			return nil, fmt.Errorf("statement resource: %w", err)
		}
		resources = append(resources, s)
	}
	if len(actions) == 0 || len(resources) == 0 {
		return nil, fmt.Errorf("needs Action and Resource")
	}
	var out []Permission
	for _, a := range actions {
		for _, r := range resources {
			out = append(out, Permission{Action: a, Resource: r})
		}
	}
	return out, nil
}

func mapAt(v any, key string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	out, ok := m[key].(map[string]any)
	return out, ok
}

func listOf(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

func stringsOf(v any) ([]string, error) {
	var out []string
	for _, x := range listOf(v) {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("%v is not a string", x)
		}
		out = append(out, s)
	}
	return out, nil
}
