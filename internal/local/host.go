package local

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
)

// loopbackOnly answers only requests addressed to a loopback host name
// (localhost, 127.0.0.1, ::1, with any port). The stack listens on
// loopback, but a page on another site can point its own name at 127.0.0.1
// (DNS rebinding) and then read /local/mailbox or call the pool's admin API
// as same-origin; such a request still names the other site in its Host
// header, and is refused here with 421.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			b, _ := json.Marshal(map[string]string{
				"code":    "HOST_NOT_ALLOWED",
				"message": "The local stack answers only to localhost, 127.0.0.1 and [::1].",
			})
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusMisdirectedRequest)
			_, _ = w.Write(b)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
