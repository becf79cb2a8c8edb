package httpapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/httpapi"
)

func TestSharedOnlyWithoutCredentials(t *testing.T) {
	t.Parallel()
	f := httpapi.Freshness{SharedMaxAge: 10 * time.Second, StaleWhileRevalidate: 20 * time.Second}
	tests := []struct {
		name string
		req  httpapi.Request
		want string
	}{
		{"no credentials", httpapi.Request{}, "public, max-age=0, s-maxage=10, stale-while-revalidate=20"},
		{"a bearer token", httpapi.Request{Headers: map[string]string{"authorization": "Bearer x"}}, httpapi.PrivateNoStore},
		{"an Authorization header of another case", httpapi.Request{Headers: map[string]string{"Authorization": "Basic x"}}, httpapi.PrivateNoStore},
		{"a cookie header", httpapi.Request{Headers: map[string]string{"cookie": "a=b"}}, httpapi.PrivateNoStore},
		{"payload 2.0 cookies", httpapi.Request{Cookies: []string{"a=b"}}, httpapi.PrivateNoStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := httpapi.Shared(tt.req, httpapi.Response{StatusCode: 200}, f)
			if got := resp.Headers["Cache-Control"]; got != tt.want {
				t.Errorf("Cache-Control = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLambdaAnswersNoStoreUnlessTheHandlerSaysOtherwise(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	tests := []struct {
		name string
		h    httpapi.Handler
		want string
	}{
		{"a success without its own", func(context.Context, httpapi.Request) (httpapi.Response, error) {
			return httpapi.JSON(http.StatusOK, "ok")
		}, "no-store"},
		{"an error", func(context.Context, httpapi.Request) (httpapi.Response, error) {
			return httpapi.Response{}, apperr.New(apperr.NotFound, "POST_NOT_FOUND", "gone")
		}, "no-store"},
		{"a failure", func(context.Context, httpapi.Request) (httpapi.Response, error) {
			return httpapi.Response{}, errors.New("boom")
		}, "no-store"},
		{"a shared public read", func(_ context.Context, req httpapi.Request) (httpapi.Response, error) {
			resp, err := httpapi.JSON(http.StatusOK, "ok")
			return httpapi.Shared(req, resp, httpapi.Freshness{SharedMaxAge: time.Minute}), err
		}, "public, max-age=0, s-maxage=60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := httpapi.Lambda(log, tt.h)(context.Background(), httpapi.Request{})
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Headers["Cache-Control"]; got != tt.want {
				t.Errorf("Cache-Control = %q, want %q", got, tt.want)
			}
		})
	}
}
