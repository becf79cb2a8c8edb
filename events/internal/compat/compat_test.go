package compat_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/events/internal/compat"
)

// published is a small schema in the shape of the event schemas: an open
// envelope with a nested object, ids, times, bounds and a const.
const published = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:test:Thing:v1",
  "title": "Thing",
  "type": "object",
  "required": ["metadata", "data"],
  "properties": {
    "metadata": {
      "type": "object",
      "required": ["schemaVersion"],
      "properties": {"schemaVersion": {"type": "string", "const": "1"}},
      "additionalProperties": true
    },
    "data": {
      "type": "object",
      "required": ["id", "title", "count"],
      "properties": {
        "id": {"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]{36}$"},
        "title": {"description": "The title.", "type": "string", "minLength": 1, "maxLength": 200},
        "count": {"type": "integer", "minimum": 1},
        "colour": {"type": "string", "enum": ["red", "green"]}
      }
    }
  },
  "additionalProperties": true
}`

// edit returns published with each old string replaced by its new one; the
// test fails if an old string is not there, so no case passes by accident.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := published
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q is not in the published schema", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestCheck(t *testing.T) {
	t.Parallel()
	data := "#/properties/data"
	for _, tc := range []struct {
		name  string
		edits []string
		want  []compat.Problem
	}{
		{name: "unchanged"},
		{
			name:  "annotations may change",
			edits: []string{`"title": "Thing"`, `"title": "A thing", "$comment": "new"`, `"description": "The title."`, `"description": "What it is called.", "examples": ["Hi"]`},
		},
		{
			name:  "a new optional property is additive",
			edits: []string{`"count": {`, `"pinned": {"type": "boolean"}, "count": {`},
		},
		{
			name:  "a new optional property in an explicitly open object is additive",
			edits: []string{`"properties": {"schemaVersion"`, `"properties": {"causationId": {"type": "string"}, "schemaVersion"`},
		},
		{
			name:  "removed property",
			edits: []string{`"colour": {"type": "string", "enum": ["red", "green"]}`, `"x": {}`},
			want: []compat.Problem{
				{data + "/properties/colour", `property "colour" removed (a rename is a removal): subscribers rely on it`},
			},
		},
		{
			name:  "renamed property",
			edits: []string{`"required": ["id", "title", "count"]`, `"required": ["id", "name", "count"]`, `"title": {"description"`, `"name": {"description"`},
			want: []compat.Problem{
				{data, `property "name" became required: events without it (older ones, replays) would be rejected`},
				{data, `property "title" is no longer required: subscribers rely on it being present`},
				{data + "/properties/title", `property "title" removed (a rename is a removal): subscribers rely on it`},
			},
		},
		{
			name:  "newly required property",
			edits: []string{`"required": ["id", "title", "count"]`, `"required": ["id", "title", "count", "colour"]`},
			want:  []compat.Problem{{data, `property "colour" became required: events without it (older ones, replays) would be rejected`}},
		},
		{
			name:  "new required property",
			edits: []string{`"required": ["id", "title", "count"]`, `"required": ["id", "title", "count", "pinned"]`, `"count": {`, `"pinned": {"type": "boolean"}, "count": {`},
			want:  []compat.Problem{{data, `property "pinned" became required: events without it (older ones, replays) would be rejected`}},
		},
		{
			name:  "required property made optional",
			edits: []string{`"required": ["id", "title", "count"]`, `"required": ["id", "title"]`},
			want:  []compat.Problem{{data, `property "count" is no longer required: subscribers rely on it being present`}},
		},
		{
			name:  "changed type",
			edits: []string{`"count": {"type": "integer"`, `"count": {"type": "number"`},
			want:  []compat.Problem{{data + "/properties/count", `type changed from "integer" to "number"`}},
		},
		{
			name:  "type widened to a list",
			edits: []string{`"count": {"type": "integer"`, `"count": {"type": ["integer", "null"]`},
			want:  []compat.Problem{{data + "/properties/count", `type changed from "integer" to ["integer","null"]`}},
		},
		{
			name:  "changed format",
			edits: []string{`"format": "uuid"`, `"format": "uri"`},
			want:  []compat.Problem{{data + "/properties/id", `format changed from "uuid" to "uri"`}},
		},
		{
			name:  "removed format",
			edits: []string{`"format": "uuid", `, ``},
			want:  []compat.Problem{{data + "/properties/id", `format changed from "uuid" to none`}},
		},
		{
			name:  "added format",
			edits: []string{`"title": {"description": "The title.", "type": "string"`, `"title": {"description": "The title.", "type": "string", "format": "email"`},
			want:  []compat.Problem{{data + "/properties/title", `format changed from none to "email"`}},
		},
		{
			name:  "changed pattern",
			edits: []string{`"pattern": "^[0-9a-f-]{36}$"`, `"pattern": "^[0-9a-f]{32}$"`},
			want:  []compat.Problem{{data + "/properties/id", `pattern changed from "^[0-9a-f-]{36}$" to "^[0-9a-f]{32}$"`}},
		},
		{
			name:  "changed const",
			edits: []string{`"const": "1"`, `"const": "2"`},
			want:  []compat.Problem{{"#/properties/metadata/properties/schemaVersion", `const changed from "1" to "2"`}},
		},
		{
			name:  "const replaced by an enum",
			edits: []string{`"const": "1"`, `"enum": ["1", "2"]`},
			want: []compat.Problem{
				{"#/properties/metadata/properties/schemaVersion", `const changed from "1" to none`},
				{"#/properties/metadata/properties/schemaVersion", `enum added: values the published schema allowed would be rejected`},
			},
		},
		{
			name:  "narrowed enum",
			edits: []string{`["red", "green"]`, `["red"]`},
			want:  []compat.Problem{{data + "/properties/colour", `enum narrowed: "green" is no longer allowed`}},
		},
		{
			name:  "widened enum",
			edits: []string{`["red", "green"]`, `["red", "green", "blue"]`},
			want:  []compat.Problem{{data + "/properties/colour", `enum widened: "blue" is new to subscribers`}},
		},
		{
			name:  "reordered enum is the same enum",
			edits: []string{`["red", "green"]`, `["green", "red"]`},
		},
		{
			name:  "narrowed maxLength",
			edits: []string{`"maxLength": 200`, `"maxLength": 100`},
			want:  []compat.Problem{{data + "/properties/title", `maxLength changed from 200 to 100 (narrowed: events valid under the published schema would be rejected)`}},
		},
		{
			name:  "widened maxLength",
			edits: []string{`"maxLength": 200`, `"maxLength": 500`},
			want:  []compat.Problem{{data + "/properties/title", `maxLength changed from 200 to 500 (widened: subscribers may rely on the published bound)`}},
		},
		{
			name:  "removed minLength",
			edits: []string{`"minLength": 1, `, ``},
			want:  []compat.Problem{{data + "/properties/title", `minLength changed from 1 to none (widened: subscribers may rely on the published bound)`}},
		},
		{
			name:  "raised minimum",
			edits: []string{`"minimum": 1`, `"minimum": 2`},
			want:  []compat.Problem{{data + "/properties/count", `minimum changed from 1 to 2 (narrowed: events valid under the published schema would be rejected)`}},
		},
		{
			name:  "added maximum",
			edits: []string{`"minimum": 1`, `"minimum": 1, "maximum": 10`},
			want:  []compat.Problem{{data + "/properties/count", `maximum changed from none to 10 (narrowed: events valid under the published schema would be rejected)`}},
		},
		{
			name: "allowed additional properties become forbidden",
			edits: []string{`"additionalProperties": true
    },`, `"additionalProperties": false
    },`},
			want: []compat.Problem{{"#/properties/metadata", `additional properties are now forbidden: events with properties added within the version would be rejected`}},
		},
		{
			name: "implicitly allowed additional properties become forbidden",
			edits: []string{`"colour": {"type": "string", "enum": ["red", "green"]}
      }`, `"colour": {"type": "string", "enum": ["red", "green"]}
      }, "additionalProperties": false`},
			want: []compat.Problem{{data, `additional properties are now forbidden: events with properties added within the version would be rejected`}},
		},
		{
			name:  "changed $schema",
			edits: []string{`draft/2020-12`, `draft/2019-09`},
			want:  []compat.Problem{{"#", `$schema changed from "https://json-schema.org/draft/2020-12/schema" to "https://json-schema.org/draft/2019-09/schema"`}},
		},
		{
			name:  "changed $id",
			edits: []string{`"urn:test:Thing:v1"`, `"urn:test:Thing:v2"`},
			want:  []compat.Problem{{"#", `$id changed from "urn:test:Thing:v1" to "urn:test:Thing:v2"`}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := compat.Check([]byte(published), []byte(edit(t, tc.edits...)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// An object the published schema closes stays closed, and nothing may be
// added to it: subscribers validating against the published schema would
// reject what is not listed.
func TestCheckClosedObject(t *testing.T) {
	t.Parallel()
	const pub = `{"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false}`
	for _, tc := range []struct {
		name, cur string
		want      []compat.Problem
	}{
		{
			name: "property added",
			cur:  `{"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "additionalProperties": false}`,
			want: []compat.Problem{{"#/properties/b", `property "b" added to an object the published schema closes (additionalProperties: false)`}},
		},
		{
			name: "opened",
			cur:  `{"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": true}`,
			want: []compat.Problem{{"#", `additional properties are now allowed: subscribers of the published schema reject properties it does not list`}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := compat.Check([]byte(pub), []byte(tc.cur))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckRefusesWhatItCannotJudge(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, schema, wantErr string
	}{
		{"not JSON", `{`, "unexpected end of JSON input"},
		{"unknown keyword", `{"type": "object", "oneOf": []}`, `#: keyword "oneOf" is not supported`},
		{"nested unknown keyword", `{"properties": {"a/b": {"$ref": "#/x"}}}`, `#/properties/a~1b: keyword "$ref" is not supported`},
		{"schema additionalProperties", `{"additionalProperties": {"type": "string"}}`, "#/additionalProperties: only true or false is supported"},
		{"boolean subschema", `{"properties": {"a": true}}`, "#/properties/a: a schema must be a JSON object here"},
		{"required of non-strings", `{"required": [1]}`, "#/required: required must be an array of strings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, side := range []string{"published", "current"} {
				pub, cur := []byte(published), []byte(published)
				if side == "published" {
					pub = []byte(tc.schema)
				} else {
					cur = []byte(tc.schema)
				}
				_, err := compat.Check(pub, cur)
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), side) {
					t.Errorf("%s side: error = %v, want one naming the %s schema and containing %q", side, err, side, tc.wantErr)
				}
			}
		})
	}
}
