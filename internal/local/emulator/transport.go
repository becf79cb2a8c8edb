package emulator

import (
	"net/http"
	"net/http/httptest"
)

// HandlerClient returns an HTTP client whose every request is served by h
// in-process: an SDK client built with it speaks the real wire protocol to
// an emulator without a listening socket.
func HandlerClient(h http.Handler) *http.Client {
	return &http.Client{Transport: handlerTransport{h}}
}

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
