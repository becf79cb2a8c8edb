// Package postapi holds the handlers of the posts routes. Each translates:
// it decodes the API Gateway request, calls one post.Service method, and
// encodes the answer. Every Lambda under api/ serves one of them.
package postapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/post"
)

// Handlers serves the posts routes from a post.Service.
type Handlers struct {
	svc      *post.Service
	sessions httpapi.SessionChecker
	log      *slog.Logger
}

// New returns the handlers for svc. Writes are refused for sessions that
// sessions says were signed out.
func New(svc *post.Service, sessions httpapi.SessionChecker, log *slog.Logger) *Handlers {
	return &Handlers{svc: svc, sessions: sessions, log: log}
}

// How long CloudFront may serve the public reads (docs/api.md, "Caching").
// Its author sees a change at once (the SPA reads with its token after a
// write, which CloudFront's cache key keeps apart); these bound what other
// readers wait.
//
// A page of the board: a new post reaches other readers' lists within 30 s,
// as a board shows new posts. The first page, read most, reaches DynamoDB
// about every 20 s however many read it (Origin Shield keeps one copy for
// every region), and the last 10 s stale let a reader past expiry be
// answered at once while the next copy is fetched.
//
// A post changes only when its author edits or deletes it, and its author
// sees that at once (the SPA shows what it holds and reads with its
// token); other readers within a minute. Kept longer, a post would save
// little (it is read about twice in its life, docs/cost.md) and a deleted
// post would open from a link for minutes.
var (
	PageFreshness = httpapi.Freshness{SharedMaxAge: 20 * time.Second, StaleWhileRevalidate: 10 * time.Second}
	PostFreshness = httpapi.Freshness{SharedMaxAge: 30 * time.Second, StaleWhileRevalidate: 30 * time.Second}
)

// The routes of listPosts and getPost, as serverless.yml declares them
// (TestReadRoutesAreServerlessYMLs): through a function URL, which has no
// routes of its own, the handlers match the request against them.
const (
	ListRoute = "GET /api/posts"
	GetRoute  = "GET /api/posts/{id}"
)

// List serves GET /api/posts?limit=&cursor=, from API Gateway or the
// function URL alike (the URL's other methods and paths are no route);
// shared caches may keep the page for PageFreshness.
func (h *Handlers) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if _, ok := httpapi.RouteParameters(req, ListRoute); !ok {
		return httpapi.Response{}, httpapi.ErrRouteNotFound
	}
	query, err := httpapi.Query(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	limit, err := httpapi.QueryInt(query, "limit", post.DefaultLimit, post.ErrInvalidLimit)
	if err != nil {
		return httpapi.Response{}, err
	}
	page, err := h.svc.List(ctx, limit, query["cursor"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return shared(req, page, PageFreshness)
}

// Get serves GET /api/posts/{id}; shared caches may keep the post for
// PostFreshness (never a 404: a post created next is read at once). A read
// with credentials is the author's after a write (the SPA sends its token
// then) and sees every acknowledged write; one without may be a second
// behind, which the cache that keeps it for minutes makes no matter, at
// half the read units. Through the function URL (anonymous reads from
// CloudFront) the id is read from the path; any other method or path is
// no route, a 404.
func (h *Handlers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	params, ok := httpapi.RouteParameters(req, GetRoute)
	if !ok {
		return httpapi.Response{}, httpapi.ErrRouteNotFound
	}
	get := h.svc.GetShared
	if httpapi.HasCredentials(req) {
		get = h.svc.Get
	}
	p, err := get(ctx, params["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return shared(req, p, PostFreshness)
}

// shared is a 200 with body that shared caches may keep for f, unless the
// request carried credentials (httpapi.Shared).
func shared(req httpapi.Request, body any, f httpapi.Freshness) (httpapi.Response, error) {
	resp, err := httpapi.JSON(http.StatusOK, body)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.Shared(req, resp, f), nil
}

// createRequest is the body of POST /api/posts. Pointers tell a missing
// field from an empty one.
type createRequest struct {
	Title   *string `json:"title"`
	Content *string `json:"content"`
}

// Create serves POST /api/posts: 201 with the post and its Location. With
// an Idempotency-Key header, a retry answers 201 with the post the key
// created (and Idempotent-Replayed: true), or 409 IDEMPOTENCY_KEY_REUSED
// when the body differs.
func (h *Handlers) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	caller, err := httpapi.Authenticate(ctx, req, h.sessions)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body createRequest
	if err := httpapi.DecodeJSON(req, &body); err != nil {
		return httpapi.Response{}, err
	}
	if err := httpapi.Require(httpapi.Has("title", body.Title != nil), httpapi.Has("content", body.Content != nil)); err != nil {
		return httpapi.Response{}, err
	}
	key := httpapi.Header(req, "idempotency-key")
	p, replayed, err := h.svc.Create(ctx, author(caller), post.Draft{Title: *body.Title, Content: *body.Content}, key)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp, err := httpapi.JSON(http.StatusCreated, p)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp.Headers["Location"] = "/api/posts/" + p.ID
	if replayed {
		resp.Headers["Idempotent-Replayed"] = "true"
	}
	return resp, nil
}

// updateRequest is the body of PUT /api/posts/{id}: the whole new post and
// the version it was edited from.
type updateRequest struct {
	Title   *string `json:"title"`
	Content *string `json:"content"`
	Version *int    `json:"version"`
}

// Update serves PUT /api/posts/{id}: 200 with the post at its new version.
func (h *Handlers) Update(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	caller, err := httpapi.Authenticate(ctx, req, h.sessions)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body updateRequest
	if err := httpapi.DecodeJSON(req, &body); err != nil {
		return httpapi.Response{}, err
	}
	if err := httpapi.Require(httpapi.Has("title", body.Title != nil), httpapi.Has("content", body.Content != nil), httpapi.Has("version", body.Version != nil)); err != nil {
		return httpapi.Response{}, err
	}
	p, err := h.svc.Update(ctx, author(caller), req.PathParameters["id"], *body.Version, post.Draft{Title: *body.Title, Content: *body.Content})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, p)
}

// Delete serves DELETE /api/posts/{id}: 204.
func (h *Handlers) Delete(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	caller, err := httpapi.Authenticate(ctx, req, h.sessions)
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.svc.Delete(ctx, author(caller), req.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

func author(c httpapi.Caller) post.Author { return post.Author{ID: c.Sub, Name: c.Username} }
