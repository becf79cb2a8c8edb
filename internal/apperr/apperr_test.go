package apperr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/eventboard/eventboard/internal/apperr"
)

func TestFrom(t *testing.T) {
	t.Parallel()
	notFound := apperr.New(apperr.NotFound, "POST_NOT_FOUND", "No such post.")
	tests := []struct {
		name     string
		err      error
		wantKind apperr.Kind
		wantCode string
	}{
		{"app error", notFound, apperr.NotFound, "POST_NOT_FOUND"},
		{"wrapped app error", fmt.Errorf("dynamo.GetPost: %w", notFound), apperr.NotFound, "POST_NOT_FOUND"},
		{"plain error is internal", errors.New("connection reset"), apperr.Internal, apperr.InternalCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := apperr.From(tt.err)
			if got.Kind != tt.wantKind || got.Code != tt.wantCode {
				t.Errorf("From(%v) = %v/%s, want %v/%s", tt.err, got.Kind, got.Code, tt.wantKind, tt.wantCode)
			}
			if apperr.KindOf(tt.err) != tt.wantKind {
				t.Errorf("KindOf(%v) = %v, want %v", tt.err, apperr.KindOf(tt.err), tt.wantKind)
			}
		})
	}
}

func TestFromInternalHidesDetail(t *testing.T) {
	t.Parallel()
	got := apperr.From(errors.New("ResourceNotFoundException: table eventboard-dev-posts"))
	if got.Message != apperr.InternalMessage {
		t.Errorf("internal message = %q, want the generic %q", got.Message, apperr.InternalMessage)
	}
	if !errors.Is(got, got.Err) || got.Err == nil {
		t.Error("internal error must keep its cause for logs")
	}
}

func TestFromNil(t *testing.T) {
	t.Parallel()
	if apperr.From(nil) != nil {
		t.Error("From(nil) != nil")
	}
	if apperr.CodeOf(nil) != "" {
		t.Error("CodeOf(nil) != \"\"")
	}
}
