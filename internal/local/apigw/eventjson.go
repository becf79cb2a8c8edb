package apigw

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendJSON appends ev's JSON to b: byte for byte what json.Marshal(ev)
// writes (fields in the struct's order, map keys sorted, strings escaped
// as encoding/json escapes them; the tests hold it to that), without
// reflection, since it runs on every request.
func (ev *event) appendJSON(b []byte) []byte {
	b = append(b, `{"version":`...)
	b = appendString(b, ev.Version)
	b = append(b, `,"routeKey":`...)
	b = appendString(b, ev.RouteKey)
	b = append(b, `,"rawPath":`...)
	b = appendString(b, ev.RawPath)
	b = append(b, `,"rawQueryString":`...)
	b = appendString(b, ev.RawQueryString)
	if len(ev.Cookies) > 0 {
		b = append(b, `,"cookies":`...)
		b = appendStrings(b, ev.Cookies)
	}
	b = append(b, `,"headers":`...)
	b = appendMap(b, ev.Headers)
	if len(ev.QueryStringParameters) > 0 {
		b = append(b, `,"queryStringParameters":`...)
		b = appendMap(b, ev.QueryStringParameters)
	}
	if len(ev.PathParameters) > 0 {
		b = append(b, `,"pathParameters":`...)
		b = appendMap(b, ev.PathParameters)
	}
	b = append(b, `,"requestContext":`...)
	b = ev.RequestContext.appendJSON(b)
	if ev.Body != "" {
		b = append(b, `,"body":`...)
		b = appendString(b, ev.Body)
	}
	b = append(b, `,"isBase64Encoded":`...)
	b = strconv.AppendBool(b, ev.IsBase64Encoded)
	return append(b, '}')
}

func (c *requestContext) appendJSON(b []byte) []byte {
	b = append(b, `{"accountId":`...)
	b = appendString(b, c.AccountID)
	b = append(b, `,"apiId":`...)
	b = appendString(b, c.APIID)
	if a := c.Authorizer; a != nil {
		b = append(b, `,"authorizer":{`...)
		if jwt := a.JWT; jwt != nil {
			b = append(b, `"jwt":{"claims":`...)
			b = appendMap(b, jwt.Claims)
			b = append(b, `,"scopes":`...)
			b = appendStrings(b, jwt.Scopes)
			b = append(b, '}')
		}
		if iam := a.IAM; iam != nil {
			if a.JWT != nil {
				b = append(b, ',')
			}
			b = append(b, `"iam":{"accessKey":`...)
			b = appendString(b, iam.AccessKey)
			b = append(b, `,"accountId":`...)
			b = appendString(b, iam.AccountID)
			b = append(b, `,"callerId":`...)
			b = appendString(b, iam.CallerID)
			// The identities Lambda leaves null; nothing here sets them.
			b = append(b, `,"cognitoIdentity":null,"principalOrgId":null,"userArn":`...)
			b = appendString(b, iam.UserARN)
			b = append(b, `,"userId":`...)
			b = appendString(b, iam.UserID)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	b = append(b, `,"domainName":`...)
	b = appendString(b, c.DomainName)
	b = append(b, `,"domainPrefix":`...)
	b = appendString(b, c.DomainPrefix)
	b = append(b, `,"http":{"method":`...)
	b = appendString(b, c.HTTP.Method)
	b = append(b, `,"path":`...)
	b = appendString(b, c.HTTP.Path)
	b = append(b, `,"protocol":`...)
	b = appendString(b, c.HTTP.Protocol)
	b = append(b, `,"sourceIp":`...)
	b = appendString(b, c.HTTP.SourceIP)
	b = append(b, `,"userAgent":`...)
	b = appendString(b, c.HTTP.UserAgent)
	b = append(b, `},"requestId":`...)
	b = appendString(b, c.RequestID)
	b = append(b, `,"routeKey":`...)
	b = appendString(b, c.RouteKey)
	b = append(b, `,"stage":`...)
	b = appendString(b, c.Stage)
	b = append(b, `,"time":`...)
	b = appendString(b, c.Time)
	b = append(b, `,"timeEpoch":`...)
	b = strconv.AppendInt(b, c.TimeEpoch, 10)
	return append(b, '}')
}

// jsonSize is about the length of ev's JSON, so that appendJSON writes it
// into a buffer of that size without growing it: the names and the fixed
// values, and the strings that vary, as they are (escapes add a little).
func (ev *event) jsonSize() int {
	n := 640 + len(ev.RawPath) + len(ev.RawQueryString) + len(ev.Body) + 2*len(ev.RouteKey) +
		len(ev.RequestContext.DomainName) + len(ev.RequestContext.HTTP.Path) + len(ev.RequestContext.HTTP.UserAgent)
	for k, v := range ev.Headers {
		n += len(k) + len(v) + 6
	}
	for _, c := range ev.Cookies {
		n += len(c) + 3
	}
	for k, v := range ev.QueryStringParameters {
		n += len(k) + len(v) + 6
	}
	for k, v := range ev.PathParameters {
		n += len(k) + len(v) + 6
	}
	if a := ev.RequestContext.Authorizer; a != nil && a.JWT != nil {
		for k, v := range a.JWT.Claims {
			n += len(k) + len(v) + 6
		}
		for _, s := range a.JWT.Scopes {
			n += len(s) + 3
		}
	}
	return n
}

// appendMap appends m as a JSON object with its keys sorted, as
// encoding/json writes a map; null when m is nil.
func appendMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	var buf [32]string // the keys of a request's headers, without allocating
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

// appendStrings appends s as a JSON array; null when s is nil.
func appendStrings(b []byte, s []string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string escaped as encoding/json escapes
// it: <, > and & as \u00XX, control characters, invalid UTF-8 as \ufffd,
// and U+2028 and U+2029.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
