package portguard

import (
	"net"
	"net/http"
	"strings"
)

// Loopback answers only requests addressed to a loopback host name
// (localhost, 127.0.0.1, ::1, with any port). The stack listens on
// loopback, but a page on another site can point its own name at 127.0.0.1
// (DNS rebinding) and then call a port as same-origin; such a request still
// names the other site in its Host header, and is refused with 421.
func Loopback(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !LoopbackHost(r.Host) {
			refuse(w, http.StatusMisdirectedRequest, "HOST_NOT_ALLOWED",
				"The local stack answers only to localhost, 127.0.0.1 and [::1].")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// LoopbackHost reports whether hostport names this machine's loopback
// interface: localhost, or a loopback IP address, with or without a port.
func LoopbackHost(hostport string) bool {
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
