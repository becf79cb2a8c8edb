package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// kumo (v0.33.1) accepts a rule target's DeadLetterConfig and drops it:
// ListTargetsByRule never returns one, so a tool that learns a stage's rule
// DLQs from EventBridge, as 'eventboard dlq' does on AWS, would find none
// on the local stack. ruleDeadLetters keeps what kumo drops: it remembers
// each target's DeadLetterConfig as PutTargets sets or clears it, and adds
// it to ListTargetsByRule's answer for the targets kumo lists (a target
// removed and put again goes through PutTargets, so nothing stale shows).
// kumo still never sends an event there (it
// delivers once, docs/local-stack.md). It lives as long as the process, as
// kumo's state does; the local stack puts its targets again at every
// start, so a restart on kumo's saved data loses nothing.
var ruleDeadLetters = &deadLetterConfigs{arns: map[ruleTarget]string{}}

type deadLetterConfigs struct {
	mu   sync.Mutex
	arns map[ruleTarget]string // DeadLetterConfig.Arn
}

// ruleTarget names a target of a rule of a bus.
type ruleTarget struct{ bus, rule, id string }

// targetsRequest is the part of PutTargets and ListTargetsByRule that
// ruleDeadLetters reads.
type targetsRequest struct {
	Rule, EventBusName string
	Targets            []struct {
		ID               string `json:"Id"`
		DeadLetterConfig *struct{ Arn string }
	}
}

// wrap returns next with the calls on rule targets passed through d.
func (d *deadLetterConfigs) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSEvents.")
		if !ok || op != "PutTargets" && op != "ListTargetsByRule" {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var rec recorder
		next.ServeHTTP(&rec, r)
		var in targetsRequest
		if rec.status() == http.StatusOK && json.Unmarshal(body, &in) == nil {
			rec.body = d.apply(op, in, rec.body)
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(rec.body)))
		w.WriteHeader(rec.status())
		_, _ = w.Write(rec.body)
	})
}

// apply records what a successful call op did to the targets' dead-letter
// configs, and returns kumo's answer, with them added for
// ListTargetsByRule.
func (d *deadLetterConfigs) apply(op string, in targetsRequest, answer []byte) []byte {
	bus := busName(in.EventBusName)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch op {
	case "PutTargets":
		var out struct {
			FailedEntries []struct {
				TargetID string `json:"TargetId"`
			}
		}
		_ = json.Unmarshal(answer, &out)
		failed := map[string]bool{}
		for _, f := range out.FailedEntries {
			failed[f.TargetID] = true
		}
		for _, t := range in.Targets {
			k := ruleTarget{bus, in.Rule, t.ID}
			switch {
			case failed[t.ID]:
			case t.DeadLetterConfig != nil && t.DeadLetterConfig.Arn != "":
				d.arns[k] = t.DeadLetterConfig.Arn
			default:
				delete(d.arns, k)
			}
		}
	case "ListTargetsByRule":
		var out map[string]any
		if json.Unmarshal(answer, &out) != nil {
			return answer
		}
		targets, _ := out["Targets"].([]any)
		for _, t := range targets {
			t, _ := t.(map[string]any)
			id, _ := t["Id"].(string)
			if arn, ok := d.arns[ruleTarget{bus, in.Rule, id}]; ok {
				t["DeadLetterConfig"] = map[string]string{"Arn": arn}
			}
		}
		if b, err := json.Marshal(out); err == nil {
			return b
		}
	}
	return answer
}

// busName is the name of the bus an EventBusName (empty, a name or an ARN)
// names.
func busName(s string) string {
	if _, name, isARN := strings.Cut(s, ":event-bus/"); isARN {
		return name
	}
	if s == "" {
		return "default"
	}
	return s
}

// recorder keeps a response to be read and changed before it is sent.
type recorder struct {
	header http.Header
	code   int
	body   []byte
}

func (r *recorder) Header() http.Header {
	if r.header == nil {
		r.header = http.Header{}
	}
	return r.header
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body = append(r.body, b...)
	return len(b), nil
}

func (r *recorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}
