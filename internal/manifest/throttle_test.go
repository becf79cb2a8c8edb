package manifest_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest"
)

// The local gateway enforces the buckets serverless.yml gives API Gateway.
func TestThrottlingFromServerlessYML(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "test", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Throttling()
	if err != nil {
		t.Fatal(err)
	}
	auth := manifest.Throttle{Rate: 50, Burst: 100}
	want := manifest.Throttling{
		Default: &manifest.Throttle{Rate: 250, Burst: 500},
		Routes: map[string]manifest.Throttle{
			"POST /api/auth/signup": auth, "POST /api/auth/confirm": auth, "POST /api/auth/resend": auth,
			"POST /api/auth/login": auth, "POST /api/auth/refresh": auth, "POST /api/auth/logout": auth,
			"POST /api/auth/forgot": auth, "POST /api/auth/reset": auth,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Throttling (-want +got):\n%s", diff)
	}
}

func TestThrottlingRefusesNonsense(t *testing.T) {
	t.Parallel()
	const doc = `
service: s
provider: {name: aws}
resources:
  extensions:
    HttpApiStage:
      Properties:
        DefaultRouteSettings: {ThrottlingRateLimit: 10, ThrottlingBurstLimit: lots}
`
	m, err := manifest.Parse([]byte(doc), manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Throttling(); err == nil {
		t.Error("a burst of \"lots\" was accepted")
	}
}

func TestClientLimitsFromServerlessYML(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "test", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.ClientLimits()
	if err != nil {
		t.Fatal(err)
	}
	want := []manifest.ClientLimit{
		{Name: "auth-per-ip", PathPrefix: "/api/auth/", Limit: 60, Window: time.Minute, Status: 429},
		{Name: "posts-per-ip", PathPrefix: "/api/posts", Limit: 3000, Window: time.Minute, Status: 429},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ClientLimits (-want +got):\n%s", diff)
	}
}
