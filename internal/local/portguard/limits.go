package portguard

import (
	"encoding/json"
	"net/http"
	"time"
)

// MaxHeaderBytes is API Gateway's limit on a request's line and headers
// together (10 KB); the stack applies it on every port and path.
const MaxHeaderBytes = 10 << 10

// HeaderBytes is the size of the request line and headers, as API Gateway
// counts them against its 10 KB limit.
func HeaderBytes(req *http.Request) int {
	n := len(req.Method) + len(req.URL.RequestURI()) + len(req.Proto) + len(req.Host)
	for k, vs := range req.Header {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

// HeaderLimit answers 431 to a request whose line and headers exceed
// MaxHeaderBytes.
func HeaderLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if HeaderBytes(r) > MaxHeaderBytes {
			refuse(w, http.StatusRequestHeaderFieldsTooLarge, "HEADERS_TOO_LARGE", "The request headers are too large.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Server returns an http.Server for h that reads no more header bytes
// than the 10 KB cap needs (net/http adds 4 KB of slack of its own; larger
// is a 431 before h runs) and waits at most 10 s for them.
func Server(h http.Handler) *http.Server {
	return &http.Server{Handler: h, MaxHeaderBytes: MaxHeaderBytes, ReadHeaderTimeout: 10 * time.Second}
}

// refuse answers in the stack's error shape.
func refuse(w http.ResponseWriter, status int, code, message string) {
	b, _ := json.Marshal(map[string]string{"code": code, "message": message})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
