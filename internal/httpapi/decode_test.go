package httpapi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/httpapi"
)

type draft struct {
	Title   *string `json:"title"`
	Content *string `json:"content"`
}

// TestDecodeJSONRefusesFieldsInAnotherCase is the regression test of a
// finding of FuzzCreate: encoding/json matches object keys to fields without
// regard to case, so {"Content": …} was taken for "content" and the post
// created from a body api/openapi.yaml refuses. A key must be a field's
// name exactly.
func TestDecodeJSONRefusesFieldsInAnotherCase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		code string // "" for accepted
	}{
		{`{"title":"0","content":"0"}`, ""},
		{`{"title":"0","Content":"0"}`, "UNKNOWN_FIELD"},
		{`{"TITLE":"0","content":"0"}`, "UNKNOWN_FIELD"},
		{`{"title":"0","content":"0","contenT":"1"}`, "UNKNOWN_FIELD"},
		{`{"title":"0","content":"0","other":1}`, "UNKNOWN_FIELD"},
		{`{"title":"0",`, "INVALID_JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			t.Parallel()
			req := request(nil)
			req.Body = tt.body
			var got draft
			err := httpapi.DecodeJSON(req, &got)
			if diff := cmp.Diff(tt.code, apperr.CodeOf(err)); diff != "" {
				t.Errorf("code (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}
