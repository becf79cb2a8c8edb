package portguard

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// sigV4Algorithm is the scheme of the Authorization header AWS SDKs and
// the AWS CLI send.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// Credential is the credential scope of a SigV4 Authorization header.
type Credential struct {
	AccessKeyID, Date, Region, Service string
}

// ParseAuthorization checks that header has the shape of a SigV4
// Authorization header,
//
//	AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex
//
// and returns its credential scope. It does not verify the signature: the
// local stack accepts any credentials, as the common local emulators do.
// What the shape buys is that a browser cannot send such a header to
// another origin without a CORS preflight.
func ParseAuthorization(header string) (Credential, error) {
	params, ok := strings.CutPrefix(header, sigV4Algorithm+" ")
	if !ok {
		return Credential{}, errors.New("the Authorization header is not " + sigV4Algorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(params, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || v == "" {
			return Credential{}, fmt.Errorf("malformed Authorization parameter %q", part)
		}
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" || strings.Contains(fields["Credential"], "//") || scope[0] == "" {
		return Credential{}, errors.New("the Authorization header requires a Credential of the form AKID/date/region/service/aws4_request")
	}
	if fields["SignedHeaders"] == "" {
		return Credential{}, errors.New("the Authorization header requires a SignedHeaders parameter")
	}
	// Not checked for hex: kumo's calls to itself sign "internal".
	if fields["Signature"] == "" {
		return Credential{}, errors.New("the Authorization header requires a Signature parameter")
	}
	return Credential{AccessKeyID: scope[0], Date: scope[1], Region: scope[2], Service: scope[3]}, nil
}

// SigV4 refuses a request without a SigV4-shaped Authorization header
// (ParseAuthorization), as AWS does: 403 MissingAuthenticationToken when
// there is none, 400 IncompleteSignature when it is malformed. exempt
// requests (the user pool's public JWKS) pass without one. A presigned URL
// is refused: a page can send one cross-site without a preflight.
func SigV4(next http.Handler, exempt func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if exempt != nil && exempt(r) {
			next.ServeHTTP(w, r)
			return
		}
		header := r.Header.Get("Authorization")
		if header == "" {
			awsError(w, http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
			return
		}
		if _, err := ParseAuthorization(header); err != nil {
			awsError(w, http.StatusBadRequest, "IncompleteSignatureException", err.Error())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// AWSAPI guards a port that serves an AWS API: loopback Host, 10 KB of
// headers, a SigV4-shaped Authorization header (except exempt requests).
func AWSAPI(next http.Handler, exempt func(*http.Request) bool) http.Handler {
	return Loopback(HeaderLimit(SigV4(next, exempt)))
}

// awsError answers as AWS's JSON protocols do: the error type in
// X-Amzn-ErrorType and in the body's __type, which every SDK reads.
func awsError(w http.ResponseWriter, status int, typ, message string) {
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
