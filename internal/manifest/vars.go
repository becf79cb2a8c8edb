package manifest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// This file parses the Serverless Framework v3 variable syntax, following the
// framework's own parser (lib/configuration/variables/parse.js):
//
//	${type:address}                  ${self:custom.table}
//	${type(param, …):address}        ${file(./x.yml):key}
//	${type:address, fallback, …}     ${opt:stage, 'dev'}, ${env:X, self:custom.y}
//	a fallback may also be a literal: 'single', "double", a number, true, false, null
//	addresses may nest variables:    ${self:custom.${sls:stage}.table}
//	\${…} is a literal ${…}
//
// "${" that does not start with a lower-case source type followed by ":" or
// "(" is not a variable: it is left as text, which keeps CloudFormation's
// own ${AWS::Region} and ${Resource.Arn} in Fn::Sub strings intact.

// template is a string split into literal text and variables.
type template []part

// part is either literal text or, when v is set, a variable.
type part struct {
	text string
	v    *variable
}

// variable is one ${…} expression: sources tried in order, the first that has
// a value wins.
type variable struct {
	text    string // as written, for messages
	sources []source
}

// source is one alternative of a variable. kind is empty for a literal.
type source struct {
	kind    string
	params  []template
	address template // nil when the source has no address
	literal any
}

// hasVariable reports cheaply whether s may contain a variable.
func hasVariable(s string) bool { return strings.Contains(s, "${") }

// parseTemplate splits s into literal text and variables.
func parseTemplate(s string) (template, error) {
	p := &varParser{s: s}
	t, err := p.template("", false)
	if err != nil {
		return nil, fmt.Errorf("invalid variable syntax in %q: %w", s, err)
	}
	return t, nil
}

type varParser struct {
	s string
	i int
}

// template reads text and variables up to the end of the string or, when
// nested, up to one of the stop bytes (which is not consumed).
func (p *varParser) template(stops string, nested bool) (template, error) {
	var t template
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t = append(t, part{text: lit.String()})
			lit.Reset()
		}
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		if nested && strings.IndexByte(stops, c) >= 0 {
			break
		}
		if c == '\\' && !nested {
			j := p.i
			for j < len(p.s) && p.s[j] == '\\' {
				j++
			}
			if !strings.HasPrefix(p.s[j:], "${") {
				lit.WriteString(p.s[p.i:j])
				p.i = j
				continue
			}
			n := j - p.i
			lit.WriteString(strings.Repeat(`\`, n/2))
			p.i = j
			if n%2 == 1 { // escaped: a literal "${"
				lit.WriteString("${")
				p.i += 2
			}
			continue
		}
		if c == '$' && strings.HasPrefix(p.s[p.i:], "${") {
			v, err := p.variable(nested)
			if err != nil {
				return nil, err
			}
			if v == nil { // not a variable: keep "${" as text
				lit.WriteString("${")
				p.i += 2
				continue
			}
			flush()
			t = append(t, part{v: v})
			continue
		}
		lit.WriteByte(c)
		p.i++
	}
	flush()
	return t, nil
}

// variable parses the variable at p.i (which starts with "${"). It returns
// nil and consumes nothing when the text is not a variable; inside another
// variable that is an error instead, as in the framework.
func (p *varParser) variable(nested bool) (*variable, error) {
	start := p.i
	j := start + 2
	k := j
	for k < len(p.s) && isSourceChar(p.s[k]) {
		k++
	}
	isVar := j < len(p.s) && isLower(p.s[j]) && k < len(p.s) && (p.s[k] == ':' || p.s[k] == '(')
	if isVar && p.s[k] == ':' {
		// "${aws::x}" is foreign text, not a variable with address ":x".
		if m := skipSpaces(p.s, k+1); m < len(p.s) && p.s[m] == ':' {
			isVar = false
		}
	}
	if !isVar {
		if nested {
			return nil, fmt.Errorf("invalid variable type at index %d", j)
		}
		return nil, nil
	}
	p.i = j
	v := &variable{}
	for {
		src, err := p.source(len(v.sources) == 0)
		if err != nil {
			return nil, err
		}
		v.sources = append(v.sources, src)
		p.i = skipSpaces(p.s, p.i)
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("missing closing bracket of the variable at index %d", start)
		}
		switch p.s[p.i] {
		case '}':
			p.i++
			v.text = p.s[start:p.i]
			return v, nil
		case ',':
			if src.kind == "" {
				return nil, fmt.Errorf("a literal must be the last source, at index %d", p.i)
			}
			p.i++
		default:
			return nil, fmt.Errorf("unexpected %q at index %d", p.s[p.i], p.i)
		}
	}
}

// source parses one source and leaves p.i on the "," or "}" that follows it.
func (p *varParser) source(first bool) (source, error) {
	p.i = skipSpaces(p.s, p.i)
	if p.i >= len(p.s) {
		return source{}, fmt.Errorf("missing variable source at index %d", p.i)
	}
	if c := p.s[p.i]; c == '"' || c == '\'' {
		s, err := p.quoted()
		return source{literal: s}, err
	}
	start := p.i
	for p.i < len(p.s) && isSourceChar(p.s[p.i]) {
		p.i++
	}
	word := p.s[start:p.i]
	if word == "" {
		return source{}, fmt.Errorf("invalid variable source at index %d", start)
	}
	p.i = skipSpaces(p.s, p.i)
	if p.i >= len(p.s) {
		return source{}, fmt.Errorf("missing closing bracket at index %d", p.i)
	}
	switch p.s[p.i] {
	case '}', ',':
		lit, err := parseLiteral(word)
		if err != nil {
			return source{}, fmt.Errorf("invalid literal source %q at index %d", word, start)
		}
		return source{literal: lit}, nil
	case ':', '(':
	default:
		return source{}, fmt.Errorf("invalid variable source at index %d", start)
	}
	if !first && !isSourceType(word) {
		return source{}, fmt.Errorf("invalid variable source %q at index %d", word, start)
	}
	src := source{kind: word}
	if p.s[p.i] == '(' {
		p.i++
		params, err := p.params()
		if err != nil {
			return source{}, err
		}
		src.params = params
		p.i = skipSpaces(p.s, p.i)
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return src, nil
		}
	}
	p.i++ // the ':' before the address
	p.i = skipSpaces(p.s, p.i)
	if p.i >= len(p.s) {
		return source{}, fmt.Errorf("missing closing bracket at index %d", p.i)
	}
	switch c := p.s[p.i]; c {
	case '}', ',':
		return src, nil
	case '"', '\'':
		s, err := p.quoted()
		src.address = template{{text: s}}
		return src, err
	case ':':
		return source{}, fmt.Errorf("invalid variable address at index %d", p.i)
	}
	addr, err := p.template(",}", true)
	if err != nil {
		return source{}, err
	}
	src.address = trimTemplate(addr)
	return src, nil
}

// params parses "a, 'b', ${c})" after the opening parenthesis.
func (p *varParser) params() ([]template, error) {
	var params []template
	for {
		p.i = skipSpaces(p.s, p.i)
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("missing closing parenthesis at index %d", p.i)
		}
		switch c := p.s[p.i]; c {
		case ')':
			p.i++
			return params, nil
		case ',':
			p.i++
			continue
		case '}':
			return nil, fmt.Errorf("invalid variable param at index %d", p.i)
		case '"', '\'':
			s, err := p.quoted()
			if err != nil {
				return nil, err
			}
			params = append(params, template{{text: s}})
		default:
			t, err := p.template(",)}", true)
			if err != nil {
				return nil, err
			}
			params = append(params, trimTemplate(t))
		}
	}
}

// quoted parses a quoted string at p.i: single quotes take the text as is,
// double quotes follow JSON, as in the framework.
func (p *varParser) quoted() (string, error) {
	q := p.s[p.i]
	end := p.i + 1
	for end < len(p.s) && p.s[end] != q {
		if q == '"' && p.s[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(p.s) {
		return "", fmt.Errorf("unterminated string at index %d", p.i)
	}
	raw := p.s[p.i : end+1]
	p.i = end + 1
	if q == '\'' {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return "", fmt.Errorf("invalid string literal %s: %w", raw, err)
	}
	return s, nil
}

// parseLiteral reads an unquoted literal source: true, false, null or a number.
func parseLiteral(s string) (any, error) {
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// trimTemplate drops the spaces around an address, as the framework does.
func trimTemplate(t template) template {
	if len(t) == 0 {
		return t
	}
	if first := &t[0]; first.v == nil {
		first.text = strings.TrimLeft(first.text, " ")
	}
	if last := &t[len(t)-1]; last.v == nil {
		last.text = strings.TrimRight(last.text, " ")
	}
	return t
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// isSourceChar reports the characters the framework accepts in a source
// type or a literal.
func isSourceChar(c byte) bool {
	return isLower(c) || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// isSourceType matches ^[a-z][a-zA-Z0-9]*$.
func isSourceType(s string) bool {
	if s == "" || !isLower(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(isLower(c) || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
