package portguard_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/eventboard/eventboard/internal/local/portguard"
)

func TestReadBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		chunked bool
		want    string
		wantErr error
	}{
		{name: "no body"},
		{name: "a body", body: "hello", want: "hello"},
		{name: "a body at the limit", body: strings.Repeat("x", 8), want: strings.Repeat("x", 8)},
		{name: "a declared length over the limit", body: strings.Repeat("x", 9), wantErr: portguard.ErrTooLarge},
		{name: "a streamed body", body: "hello", chunked: true, want: "hello"},
		{name: "a streamed body over the limit", body: strings.Repeat("x", 9), chunked: true, wantErr: portguard.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest("POST", "/", nil)
			if tt.body != "" {
				req = httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			}
			if tt.chunked {
				req.ContentLength = -1
			}
			body, release, err := portguard.ReadBody(req, 8)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			defer release()
			if string(body) != tt.want {
				t.Errorf("body = %q, want %q", body, tt.want)
			}
		})
	}
}
