package manifest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest"
)

// The prod stage once got the localhost origins with credentials, from
// params.default: CORS belongs to the local stage only.
func TestNoLocalhostCORSOutsideTheLocalStage(t *testing.T) {
	t.Parallel()
	for _, stage := range []string{"prod", "dev", "staging", "test"} {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: stage, Region: "us-east-1"})
			if err != nil {
				t.Fatal(err)
			}
			if m.CORS != nil {
				t.Errorf("stage %s has CORS %+v; on AWS the SPA shares the API's origin", stage, m.CORS)
			}
			for _, f := range m.Functions {
				if v := f.Environment["SITE_ORIGINS"]; strings.Contains(v, "localhost") || strings.Contains(v, "127.0.0.1") {
					t.Errorf("stage %s: %s trusts the origins %q", stage, f.Name, v)
				}
			}
		})
	}
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "local", Region: "us-east-1"})
		if err != nil {
			t.Fatal(err)
		}
		want := &manifest.CORS{
			AllowedOrigins:   []string{"http://127.0.0.1:5173", "http://localhost:5173"},
			AllowedHeaders:   []string{"Authorization", "Content-Type", "Idempotency-Key"},
			AllowedMethods:   []string{"GET", "POST", "PUT", "DELETE"},
			AllowCredentials: true,
			MaxAge:           600,
		}
		if diff := cmp.Diff(want, m.CORS); diff != "" {
			t.Errorf("local CORS (-want +got):\n%s", diff)
		}
	})
}
