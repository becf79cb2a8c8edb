// Package authapi holds the handlers of the auth routes and of
// GET /api/myinfo. The refresh token never reaches JavaScript: it travels
// only in an HttpOnly, Secure, SameSite=Strict cookie scoped to /api/auth.
package authapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/clock"
	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/logging"
)

// Handlers serves the auth routes from an auth.Service, and the post
// counts of GET /api/myinfo from the counters.
type Handlers struct {
	svc          *auth.Service
	counters     counter.ValueReader
	cookieMaxAge time.Duration
	log          *slog.Logger
	siteOrigins  []string // trusted besides the API's own host
	stage        string   // the dimension of ReuseMetric
	// forgotFloor is the least time POST /api/auth/forgot takes to answer.
	forgotFloor time.Duration
}

// New returns the handlers; counters gives GET /api/myinfo its postCount,
// and the refresh cookie lives for cookieMaxAge.
func New(svc *auth.Service, counters counter.ValueReader, cookieMaxAge time.Duration, log *slog.Logger) *Handlers {
	return &Handlers{svc: svc, counters: counters, cookieMaxAge: cookieMaxAge, log: log}
}

// TrustOrigins sets the site origins, besides the API's own host, whose
// pages may call the state-changing auth routes (httpapi.CheckOrigin), and
// returns h.
func (h *Handlers) TrustOrigins(origins []string) *Handlers {
	h.siteOrigins = slices.DeleteFunc(slices.Clone(origins), func(o string) bool { return strings.TrimSpace(o) == "" })
	return h
}

// checkOrigin refuses a request to a route that signs in, out or up that a
// page of another site sent (login CSRF, forced logout).
func (h *Handlers) checkOrigin(req httpapi.Request) error {
	return httpapi.CheckOrigin(req, h.siteOrigins)
}

type signUpRequest struct {
	Username *string `json:"username"`
	Email    *string `json:"email"`
	Password *string `json:"password"`
}

type signUpResponse struct {
	Username      string `json:"username"`
	Sub           string `json:"sub"`
	UserConfirmed bool   `json:"userConfirmed"`
}

// SignUp serves POST /api/auth/signup: 201, and a code goes to the e-mail.
func (h *Handlers) SignUp(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if err := h.checkOrigin(req); err != nil {
		return httpapi.Response{}, err
	}
	var body signUpRequest
	if err := httpapi.DecodeJSON(req, &body); err != nil {
		return httpapi.Response{}, err
	}
	if err := httpapi.Require(httpapi.Has("username", body.Username != nil), httpapi.Has("email", body.Email != nil), httpapi.Has("password", body.Password != nil)); err != nil {
		return httpapi.Response{}, err
	}
	sub, err := h.svc.SignUp(ctx, *body.Username, *body.Email, *body.Password)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, signUpResponse{Username: *body.Username, Sub: sub})
}

type confirmRequest struct {
	Username *string `json:"username"`
	Code     *string `json:"code"`
}

// Confirm serves POST /api/auth/confirm: 204.
func (h *Handlers) Confirm(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if err := h.checkOrigin(req); err != nil {
		return httpapi.Response{}, err
	}
	var body confirmRequest
	if err := httpapi.DecodeJSON(req, &body); err != nil {
		return httpapi.Response{}, err
	}
	if err := httpapi.Require(httpapi.Has("username", body.Username != nil), httpapi.Has("code", body.Code != nil)); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.svc.Confirm(ctx, *body.Username, *body.Code); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// usernameRequest is the body of the routes that take only a username.
type usernameRequest struct {
	Username *string `json:"username"`
}

// username reads a usernameRequest from a state-changing auth route: the
// caller's origin checked, the body strict JSON, the username present.
func (h *Handlers) username(req httpapi.Request) (string, error) {
	if err := h.checkOrigin(req); err != nil {
		return "", err
	}
	var body usernameRequest
	if err := httpapi.DecodeJSON(req, &body); err != nil {
		return "", err
	}
	if err := httpapi.Require(httpapi.Has("username", body.Username != nil)); err != nil {
		return "", err
	}
	return *body.Username, nil
}

// Resend serves POST /api/auth/resend: 202 whether or not the user exists.
func (h *Handlers) Resend(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	username, err := h.username(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.svc.Resend(ctx, username); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, map[string]string{
		"message": "If that account is waiting for confirmation, a new code is on its way.",
	})
}

// Forgot serves POST /api/auth/forgot: 202 whether or not the user exists;
// a user who does gets a code to reset their password with. The answer
// never comes before the forgot floor (FORGOT_ANSWER_AFTER): making,
// storing and mailing a code takes longer than finding there is nobody to
// send one to, and the difference would tell who is registered. A call that
// outlasts the floor is answered at the next multiple of it, so what is left
// to measure is coarse.
func (h *Handlers) Forgot(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	username, err := h.username(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	start := time.Now()
	err = h.svc.ForgotPassword(ctx, username)
	padTo(ctx, start, h.forgotFloor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, map[string]string{
		"message": "If that account exists, a code to reset its password is on its way.",
	})
}

// padTo waits until the first multiple of floor since start that is not
// yet past, or until ctx ends.
func padTo(ctx context.Context, start time.Time, floor time.Duration) {
	if floor <= 0 {
		return
	}
	took := time.Since(start)
	_ = clock.Sleep(ctx, floor*(took/floor+1)-took) // a caller gone needs no padding
}

type resetRequest struct {
	Username    *string `json:"username"`
	Code        *string `json:"code"`
	NewPassword *string `json:"newPassword"`
}

// Reset serves POST /api/auth/reset: 204 once the password is changed with
// the code Forgot sent.
func (h *Handlers) Reset(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if err := h.checkOrigin(req); err != nil {
		return httpapi.Response{}, err
	}
	var body resetRequest
	if err := httpapi.DecodeJSON(req, &body); err != nil {
		return httpapi.Response{}, err
	}
	if err := httpapi.Require(httpapi.Has("username", body.Username != nil), httpapi.Has("code", body.Code != nil), httpapi.Has("newPassword", body.NewPassword != nil)); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.svc.ResetPassword(ctx, *body.Username, *body.Code, *body.NewPassword); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

type loginRequest struct {
	Username *string `json:"username"`
	Password *string `json:"password"`
}

// tokensResponse is the body of login and refresh: the refresh token is
// never in it.
type tokensResponse struct {
	AccessToken string `json:"accessToken"`
	IDToken     string `json:"idToken"`
	ExpiresIn   int    `json:"expiresIn"`
	TokenType   string `json:"tokenType"`
}

// Login serves POST /api/auth/login: 200 with the access and ID tokens, and
// the refresh token in the cookie.
func (h *Handlers) Login(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if err := h.checkOrigin(req); err != nil {
		return httpapi.Response{}, err
	}
	var body loginRequest
	if err := httpapi.DecodeJSON(req, &body); err != nil {
		return httpapi.Response{}, err
	}
	if err := httpapi.Require(httpapi.Has("username", body.Username != nil), httpapi.Has("password", body.Password != nil)); err != nil {
		return httpapi.Response{}, err
	}
	t, err := h.svc.Login(ctx, *body.Username, *body.Password)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp, err := httpapi.JSON(http.StatusOK, tokensResponse{AccessToken: t.AccessToken, IDToken: t.IDToken, ExpiresIn: t.ExpiresIn, TokenType: "Bearer"})
	if err != nil {
		return httpapi.Response{}, err
	}
	resp.Cookies = []string{refreshCookie(session{Username: *body.Username, RefreshToken: t.RefreshToken}, h.cookieMaxAge)}
	resp.Headers["Cache-Control"] = "no-store"
	return resp, nil
}

// Refresh serves POST /api/auth/refresh: 200 with new access and ID tokens.
// The cookie is replaced with the newest refresh token the service knows
// for the one presented: the successor Cognito's rotation just issued, or,
// for a retry or a concurrent refresh inside the grace period, the
// successor an earlier rotation recorded; with none, the answer sets no
// cookie. It never puts back an older token than the browser may hold. Without a usable cookie it answers 401 and clears it; a
// rotated-out token reused after the grace period also ends its session
// (auth.Service.Refresh), logged at WARN with the RefreshTokenReuse metric.
func (h *Handlers) Refresh(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if err := h.checkOrigin(req); err != nil {
		return httpapi.Response{}, err
	}
	s, ok, err := readSession(req.Cookies)
	if !ok || err != nil {
		return withCleared(req, auth.ErrInvalidRefresh), nil
	}
	t, err := h.svc.Refresh(ctx, s.Username, s.RefreshToken)
	if errors.Is(err, auth.ErrRefreshReused) {
		attrs := []slog.Attr{
			slog.String("requestId", req.RequestContext.RequestID),
			slog.String("sourceIp", req.RequestContext.HTTP.SourceIP),
			slog.String("Stage", h.stage),
		}
		attrs = append(attrs, logging.EMF(time.Now(), []string{"Stage"}, logging.Metric{Name: ReuseMetric, Value: 1})...)
		h.log.LogAttrs(ctx, slog.LevelWarn, "refresh token reused after rotation; session revoked", attrs...)
	}
	if errors.Is(err, auth.ErrInvalidRefresh) || errors.Is(err, auth.ErrRefreshReused) {
		return withCleared(req, err), nil
	}
	if err != nil {
		return httpapi.Response{}, err
	}
	resp, err := httpapi.JSON(http.StatusOK, tokensResponse{AccessToken: t.AccessToken, IDToken: t.IDToken, ExpiresIn: t.ExpiresIn, TokenType: "Bearer"})
	if err != nil {
		return httpapi.Response{}, err
	}
	if t.RefreshToken != "" && t.RefreshToken != s.RefreshToken { // rotated: the old one stops working soon
		s.RefreshToken = t.RefreshToken
		resp.Cookies = []string{refreshCookie(s, h.cookieMaxAge)}
	}
	resp.Headers["Cache-Control"] = "no-store"
	return resp, nil
}

// ReuseMetric is the CloudWatch metric (namespace Eventboard, dimension
// Stage, embedded in the WARN log line) counting refresh tokens reused after rotation: each is a
// session that two parties held, revoked. An alarm watches it.
const ReuseMetric = "RefreshTokenReuse"

// Logout serves POST /api/auth/logout: it ends the sessions of the live
// tokens it was given (auth.Service.Logout: the bearer token's, the
// cookie's) and clears the cookie; 204 every time, however stale or made up
// what it was given, and nothing is recorded for tokens that are not live.
func (h *Handlers) Logout(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if err := h.checkOrigin(req); err != nil {
		return httpapi.Response{}, err
	}
	s, _, _ := readSession(req.Cookies) // a garbled cookie is cleared all the same
	err := h.svc.Logout(ctx, s.Username, s.RefreshToken, httpapi.BearerToken(req))
	if err != nil {
		// The cookie goes regardless; the error (a provider or table
		// outage) is still reported, since the session may live on.
		e := apperr.From(err)
		if e.Kind == apperr.Internal {
			h.log.ErrorContext(ctx, "logout failed", "requestId", req.RequestContext.RequestID, "error", err)
		}
		return withCleared(req, e), nil
	}
	resp := httpapi.NoContent()
	resp.Cookies = []string{clearCookie()}
	return resp, nil
}

type meResponse struct {
	Username      string `json:"username"`
	Sub           string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"emailVerified"`
	PostCount     int64  `json:"postCount"`
}

// Me serves GET /api/myinfo. postCount is the Counter table's count of the
// user's posts, which trails their writes by the few seconds the events
// take to reach the counter worker.
func (h *Handlers) Me(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	caller, err := httpapi.CallerFrom(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	u, err := h.svc.Me(ctx, caller.AccessToken)
	if err != nil {
		return httpapi.Response{}, err
	}
	posts, err := counter.PostsBy(ctx, h.counters, u.Sub)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, meResponse{Username: u.Username, Sub: u.Sub, Email: u.Email, EmailVerified: u.EmailVerified, PostCount: posts})
}

// withCleared is the error answer for err that also removes the cookie.
func withCleared(req httpapi.Request, err error) httpapi.Response {
	resp := httpapi.ErrorResponse(req, apperr.From(err))
	resp.Cookies = []string{clearCookie()}
	return resp
}
