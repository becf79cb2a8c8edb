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
// of another site: one whose Origin is neither the host the request was sent
// to nor one of trusted (exact origins such as "https://board.example.com"),
// including the opaque Origin "null", and one that says Sec-Fetch-Site:
// cross-site. Browsers send Origin with every POST, so a request without it
// comes from a program, not a page, and passes: it carries no ambient
// credentials (the refresh cookie is SameSite=Strict) to abuse.
func CheckOrigin(req Request, trusted []string) error {
	if Header(req, "sec-fetch-site") == "cross-site" {
		return ErrForeignOrigin
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
