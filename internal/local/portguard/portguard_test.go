package portguard

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, header string
		ok           bool
	}{
		{"the SDK's", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/sqs/aws4_request, SignedHeaders=amz-sdk-invocation-id;host;x-amz-date, Signature=6f1e0b", true},
		{"the CLI's, no spaces", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/lambda/aws4_request,SignedHeaders=host,Signature=ab", true},
		{"kumo's internal", "AWS4-HMAC-SHA256 Credential=kumo/19700101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=internal", true},
		{"empty", "", false},
		{"bearer", "Bearer eyJ", false},
		{"another algorithm", "AWS4-ECDSA-P256-SHA256 Credential=AKID/20261206/sqs/aws4_request, SignedHeaders=host, Signature=ab", false},
		{"short scope", "AWS4-HMAC-SHA256 Credential=AKID/20261206/sqs/aws4_request, SignedHeaders=host, Signature=ab", false},
		{"empty region", "AWS4-HMAC-SHA256 Credential=AKID/20261206//sqs/aws4_request, SignedHeaders=host, Signature=ab", false},
		{"no signed headers", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/sqs/aws4_request, Signature=ab", false},
		{"no signature", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/sqs/aws4_request, SignedHeaders=host", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := ParseAuthorization(tc.header)
			if (err == nil) != tc.ok {
				t.Fatalf("ParseAuthorization(%q) = %+v, %v; want ok=%v", tc.header, cred, err, tc.ok)
			}
			if tc.ok && (cred.Region == "" || cred.Service == "") {
				t.Errorf("credential %+v lacks its scope", cred)
			}
		})
	}
}

func TestAWSAPIRefusesWhatAPageCouldSend(t *testing.T) {
	t.Parallel()
	h := AWSAPI(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), nil)
	signed := "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=ab"
	for _, tc := range []struct {
		name, host, auth, extra string
		want                    int
	}{
		{"signed", "127.0.0.1:4566", signed, "", 200},
		{"signed, localhost", "localhost", signed, "", 200},
		{"signed, foreign host", "rebind.evil.example", signed, "", 421},
		{"unsigned", "127.0.0.1", "", "", 403},
		{"presigned query only", "127.0.0.1", "", "", 403},
		{"headers over 10 KB", "127.0.0.1", signed, strings.Repeat("x", MaxHeaderBytes), 431},
	} {
		req := httptest.NewRequest("POST", "/?X-Amz-Credential=AKID/20261206/us-east-1/sqs/aws4_request", nil)
		req.Host = tc.host
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		if tc.extra != "" {
			req.Header.Set("X-Extra", tc.extra)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, w.Code, tc.want)
		}
	}
}

func TestUnforgeable(t *testing.T) {
	t.Parallel()
	h := Unforgeable(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, tc := range []struct {
		name, contentType, origin string
		want                      int
	}{
		{"JSON, no origin", "application/json", "", 200},
		{"JSON, own origin", "application/json; charset=utf-8", "http://127.0.0.1:8080", 200},
		{"JSON, another port", "application/json", "http://127.0.0.1:9999", 403},
		{"JSON, foreign", "application/json", "https://evil.example", 403},
		{"text/plain", "text/plain", "", 415},
		{"form", "application/x-www-form-urlencoded", "", 415},
		{"multipart", "multipart/form-data; boundary=x", "", 415},
		{"none", "", "", 415},
	} {
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/local/schedules/x/fire", nil)
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, w.Code, tc.want)
		}
	}
}
