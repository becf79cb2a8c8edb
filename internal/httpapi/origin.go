package httpapi

import (
	"net/url"
	"slices"
	"strings"

	"github.com/eventboard/eventboard/internal/apperr"
)

// ErrForeignOrigin is the answer to a state-changing request a browser sent
// from another site.
var ErrForeignOrigin = apperr.New(apperr.Forbidden, "FORBIDDEN_ORIGIN", "This request must come from the Eventboard site.")

// CheckOrigin refuses (ErrForeignOrigin) a request a browser made on behalf
// of another site. It passes a request whose Sec-Fetch-Site is same-origin:
// the browser computed it from the URL it fetched and the page's origin, and
// no page can set it, so it says "a page of the site this request went to
// sent it" even behind CloudFront, where the host the function sees is
// API Gateway's, not the site's (docs/deployment.md, "Same origin behind
// CloudFront"). Otherwise it refuses one whose Origin is neither that host
// nor one of trusted (exact origins such as "https://board.example.com"),
// including the opaque Origin "null", and one that says Sec-Fetch-Site:
// cross-site. Browsers send Origin with every POST, so a request without it
// comes from a program, not a page, and passes: it carries no ambient
// credentials (the refresh cookie is SameSite=Strict) to abuse.
func CheckOrigin(req Request, trusted []string) error {
	switch Header(req, "sec-fetch-site") {
	case "cross-site":
		return ErrForeignOrigin
	case "same-origin":
		return nil
	}
	origin := Header(req, "origin")
	if origin == "" || slices.Contains(trusted, origin) {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" {
		return ErrForeignOrigin
	}
	host := Header(req, "host")
	if host == "" {
		host = req.RequestContext.DomainName
	}
	if host == "" || !strings.EqualFold(u.Host, host) {
		return ErrForeignOrigin
	}
	return nil
}
