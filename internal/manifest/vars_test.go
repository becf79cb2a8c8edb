package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTemplate(t *testing.T) {
	t.Parallel()
	lit := func(s string) template { return template{{text: s}} }
	tests := []struct {
		in   string
		want template
	}{
		{"plain", lit("plain")},
		{"${sls:stage}", template{{v: &variable{
			text:    "${sls:stage}",
			sources: []source{{kind: "sls", address: lit("stage")}},
		}}}},
		{"a-${self:custom.x}-b", template{
			{text: "a-"},
			{v: &variable{text: "${self:custom.x}", sources: []source{{kind: "self", address: lit("custom.x")}}}},
			{text: "-b"},
		}},
		{"${opt:stage, 'dev'}", template{{v: &variable{
			text:    "${opt:stage, 'dev'}",
			sources: []source{{kind: "opt", address: lit("stage")}, {literal: "dev"}},
		}}}},
		{`${opt:x, "a\"b"}`, template{{v: &variable{
			text:    `${opt:x, "a\"b"}`,
			sources: []source{{kind: "opt", address: lit("x")}, {literal: `a"b`}},
		}}}},
		{"${env:X, self:custom.y, 7}", template{{v: &variable{
			text: "${env:X, self:custom.y, 7}",
			sources: []source{
				{kind: "env", address: lit("X")},
				{kind: "self", address: lit("custom.y")},
				{literal: 7},
			},
		}}}},
		{"${self:custom.${sls:stage}.t}", template{{v: &variable{
			text: "${self:custom.${sls:stage}.t}",
			sources: []source{{kind: "self", address: template{
				{text: "custom."},
				{v: &variable{text: "${sls:stage}", sources: []source{{kind: "sls", address: lit("stage")}}}},
				{text: ".t"},
			}}},
		}}}},
		{"${file(./x.yml):key}", template{{v: &variable{
			text:    "${file(./x.yml):key}",
			sources: []source{{kind: "file", params: []template{lit("./x.yml")}, address: lit("key")}},
		}}}},
		{`\${self:x}`, lit("${self:x}")},
		{`\\${sls:stage}`, template{
			{text: `\`},
			{v: &variable{text: "${sls:stage}", sources: []source{{kind: "sls", address: lit("stage")}}}},
		}},
		{"${AWS::Region}", lit("${AWS::Region}")},
		{"${Bucket.Arn}/*", lit("${Bucket.Arn}/*")},
		{"${aws::x}", lit("${aws::x}")},
		{"${word}", lit("${word}")},
		{"$notvar {x}", lit("$notvar {x}")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseTemplate(tt.in)
			if err != nil {
				t.Fatalf("parseTemplate(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(part{}, variable{}, source{})); diff != "" {
				t.Errorf("parseTemplate(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseTemplateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, wantMsg string }{
		{"${self:x", "missing closing bracket"},
		{"${opt:stage, 'dev', 'x'}", "a literal must be the last source"},
		{"${opt:stage, dev}", `invalid literal source "dev"`},
		{"${opt:stage, 'dev}", "unterminated string"},
		{"${self:a.${Foo}}", "invalid variable type"},
		{"${opt:stage, Bad:x}", `invalid variable source "Bad"`},
		{"${file(x}", "invalid variable param"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := parseTemplate(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("parseTemplate(%q) error = %v, want one containing %q", tt.in, err, tt.wantMsg)
			}
		})
	}
}

func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{"${a:b}", "x${a:${b:c}, 'd'}y", `\${x}`, "${f(a, ${b:c}):d}", "${AWS::X}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tmpl, err := parseTemplate(s)
		if err != nil {
			return
		}
		// Without variables or escapes, the text comes back unchanged.
		if !strings.Contains(s, "${") && len(tmpl) > 0 && tmpl[0].v == nil && tmpl[0].text != s {
			t.Errorf("parseTemplate(%q) = %q", s, tmpl[0].text)
		}
	})
}
