package apigw

import (
	"encoding/base64"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// IAMIdentity is the caller a function URL's IAM auth verified the
// signature of, as its event's requestContext.authorizer.iam says:
// CloudFront's origin access control on AWS.
type IAMIdentity = events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription

// FunctionURLEvent is the event a Lambda function URL sends its function
// for req, a request without a body (the local stack's function URLs
// serve GETs), signed by iam, at host (<url-id>.lambda-url.<region>.on.aws
// on AWS): payload format 2.0 on the $default route, no path parameters,
// iam as the authorizer, and headers as req has them with host and
// extra's set over them.
func FunctionURLEvent(req *http.Request, host string, iam IAMIdentity, requestID string, extra map[string]string) events.APIGatewayV2HTTPRequest {
	ev := buildEvent(req, nil, "$default", nil, requestID)
	urlID, _, _ := strings.Cut(host, ".")
	ev.RequestContext.AccountID = iam.AccountID
	ev.RequestContext.APIID = urlID
	ev.RequestContext.DomainName = host
	ev.RequestContext.DomainPrefix = urlID
	ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{IAM: &iam}
	ev.Headers["host"] = host
	for k, v := range extra {
		ev.Headers[k] = v
	}
	return ev
}

// buildEvent turns req into the payload API Gateway sends for the route
// of routeKey, whose path parameters are named params.
func buildEvent(req *http.Request, body []byte, routeKey string, params []string, requestID string) events.APIGatewayV2HTTPRequest {
	now := time.Now().UTC()
	host, _, _ := strings.Cut(req.Host, ":")
	domainPrefix, _, _ := strings.Cut(host, ".")
	sourceIP, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		sourceIP = req.RemoteAddr
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       routeKey,
		RawPath:        req.URL.EscapedPath(),
		RawQueryString: req.URL.RawQuery,
		Headers:        make(map[string]string, len(req.Header)+1),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID:    "000000000000",
			APIID:        "local",
			DomainName:   req.Host,
			DomainPrefix: domainPrefix,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    req.Method,
				Path:      req.URL.Path,
				Protocol:  req.Proto,
				SourceIP:  sourceIP,
				UserAgent: req.UserAgent(),
			},
			RequestID: requestID,
			RouteKey:  routeKey,
			Stage:     "$default",
			Time:      now.Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch: now.UnixMilli(),
		},
	}
	for name, values := range req.Header {
		if strings.EqualFold(name, "Cookie") {
			for _, v := range values {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						ev.Cookies = append(ev.Cookies, c)
					}
				}
			}
			continue
		}
		ev.Headers[strings.ToLower(name)] = strings.Join(values, ",")
	}
	if req.Host != "" {
		ev.Headers["host"] = req.Host
	}
	if len(body) > 0 {
		ev.Headers["content-length"] = strconv.Itoa(len(body))
	}
	if req.URL.RawQuery != "" {
		if q := req.URL.Query(); len(q) > 0 {
			ev.QueryStringParameters = make(map[string]string, len(q))
			for k, v := range q {
				ev.QueryStringParameters[k] = strings.Join(v, ",")
			}
		}
	}
	if len(params) > 0 {
		ev.PathParameters = make(map[string]string, len(params))
		for _, name := range params {
			ev.PathParameters[name] = req.PathValue(name)
		}
	}
	if len(body) > 0 {
		if isText(req.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

// pathParams names the {parameters} of a route path ({proxy+} included).
func pathParams(path string) []string {
	var names []string
	for seg := range strings.SplitSeq(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, strings.TrimSuffix(seg[1:len(seg)-1], "+"))
		}
	}
	return names
}

// muxPattern turns a route key into a ServeMux pattern: API Gateway's greedy
// {proxy+} is ServeMux's {proxy...}.
func muxPattern(r Route) string {
	segs := strings.Split(r.Path, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}") {
			segs[i] = seg[:len(seg)-2] + "...}"
		}
	}
	return r.Method + " " + strings.Join(segs, "/")
}

// isText reports whether API Gateway passes a body of this content type as
// text rather than base64.
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return contentType == ""
	}
	return strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "json") || strings.HasSuffix(mt, "xml") ||
		mt == "application/javascript" || mt == "application/x-www-form-urlencoded"
}
