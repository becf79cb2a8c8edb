package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/eventboard/eventboard/internal/local/lambdasvc"
	"github.com/eventboard/eventboard/internal/local/pipeline"
	"github.com/eventboard/eventboard/internal/local/portguard"
)

// serveInvokeAPI serves svc's Lambda Invoke API on a loopback port of its
// own and returns its URL. The stack's own port serves it too, but the
// stack cannot know that port's URL (tests serve the handler themselves).
func (s *Stack) serveInvokeAPI(svc *lambdasvc.Service) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("lambda invoke endpoint: %w", err)
	}
	s.invokeAPI = portguard.Server(portguard.AWSAPI(svc.InvokeAPI(s.opts.Log), nil))
	go func() { _ = s.invokeAPI.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// scheduleStatus is one schedule in GET /local/schedules.
type scheduleStatus struct {
	Name       string `json:"name"`
	LogicalID  string `json:"logicalId"`
	Function   string `json:"function"`
	Expression string `json:"expression"`
	Enabled    bool   `json:"enabled"`
	// Fire is where to POST to fire it now.
	Fire string `json:"fire"`
}

func (s *Stack) listSchedules(w http.ResponseWriter, _ *http.Request) {
	out := []scheduleStatus{}
	for _, sc := range s.pipeline.Schedules() {
		out = append(out, scheduleStatus{
			Name: sc.Name, LogicalID: sc.LogicalID, Function: sc.Function, Expression: sc.Expression,
			Enabled: sc.Enabled, Fire: "/local/schedules/" + sc.Name + "/fire",
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedules": out})
}

// fireSchedule fires one schedule now and answers with what its function
// returned (the warmer's report, the sweeper's counts).
func (s *Stack) fireSchedule(w http.ResponseWriter, r *http.Request) {
	out, err := s.pipeline.FireSchedule(r.Context(), r.PathValue("name"))
	switch {
	case errors.Is(err, pipeline.ErrNoSchedule):
		writeJSON(w, http.StatusNotFound, map[string]string{"code": "SCHEDULE_NOT_FOUND", "message": "no schedule is called " + r.PathValue("name")})
	case err != nil:
		s.opts.Log.Error("fire schedule", "schedule", r.PathValue("name"), "error", err)
		writeJSON(w, http.StatusBadGateway, map[string]string{"code": "FUNCTION_ERROR", "message": "the scheduled function failed; see the stack's log"})
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
