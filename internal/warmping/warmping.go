// Package warmping is the warm-up ping of the Scheduler warmer and how every
// function answers it: before any other work (no auth, no DynamoDB, no
// event), in the one place where handlers become Lambda entry points.
//
// A ping is recognised only by its exact shape, a small JSON object with
// exactly the keys warmup, concurrency and index. Nothing a client sends can
// take that shape: an HTTP request reaches a function inside API Gateway's
// envelope (its body is a string field of it), an SQS message inside a
// batch's Records, a Cognito event inside the trigger's envelope.
package warmping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Marker is the value of a ping's warmup key.
const Marker = "eventboard.warmer"

// MaxConcurrency bounds a ping's concurrency: more environments than this
// per function is provisioned concurrency's job, not a warmer's.
const MaxConcurrency = 50

// maxPingSize bounds what is decoded as a candidate ping, so a real event,
// which is always larger, costs one length check.
const maxPingSize = 128

// Ping is what the warmer invokes a function with: one of Concurrency pings
// sent at once to the function, so that Concurrency environments answer.
type Ping struct {
	Warmup      string `json:"warmup"`
	Concurrency int    `json:"concurrency"`
	Index       int    `json:"index"`
}

// Payload is the JSON of the index-th of concurrency pings.
func Payload(concurrency, index int) []byte {
	b, _ := json.Marshal(Ping{Warmup: Marker, Concurrency: concurrency, Index: index})
	return b
}

// Parse reports whether payload is a ping, and which. It is one only when
// it has exactly a ping's shape: a JSON object with the keys warmup (the
// Marker), concurrency (1..MaxConcurrency) and index (0..concurrency-1),
// each once, and nothing else.
func Parse(payload []byte) (Ping, bool) {
	if len(payload) > maxPingSize || !bytes.Contains(payload, []byte(Marker)) {
		return Ping{}, false
	}
	if !exactKeys(payload) {
		return Ping{}, false
	}
	var p struct {
		Warmup      *string `json:"warmup"`
		Concurrency *int    `json:"concurrency"`
		Index       *int    `json:"index"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || p.Warmup == nil || p.Concurrency == nil || p.Index == nil {
		return Ping{}, false
	}
	ping := Ping{Warmup: *p.Warmup, Concurrency: *p.Concurrency, Index: *p.Index}
	if ping.Warmup != Marker || ping.Concurrency < 1 || ping.Concurrency > MaxConcurrency ||
		ping.Index < 0 || ping.Index >= ping.Concurrency {
		return Ping{}, false
	}
	return ping, true
}

// pingKeys are a ping's keys, spelled exactly (encoding/json alone would
// match them in any case).
var pingKeys = map[string]bool{"warmup": true, "concurrency": true, "index": true}

// exactKeys reports whether payload is one JSON object whose keys are
// exactly pingKeys, each once.
func exactKeys(payload []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(payload))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		key, isString := tok.(string)
		if err != nil || !isString || !pingKeys[key] || seen[key] {
			return false
		}
		seen[key] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return false
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return false
	}
	_, err := dec.Token()
	return len(seen) == len(pingKeys) && err == io.EOF
}

// Reply is what a function answers a ping with.
type Reply struct {
	Warmup   string `json:"warmup"`
	Function string `json:"function"`
	// Environment identifies the execution environment that answered: a
	// random id drawn when it started.
	Environment string `json:"environment"`
	// ColdStart is true when the ping was the environment's first
	// invocation: the warmer found it cold, and warmed it.
	ColdStart bool `json:"coldStart"`
}

// ParseReply reads a function's answer to a ping; an answer that is not a
// Reply (a function that does not know pings) is an error.
func ParseReply(b []byte) (Reply, error) {
	var r Reply
	if err := json.Unmarshal(b, &r); err != nil || r.Warmup != Marker || r.Environment == "" {
		return Reply{}, fmt.Errorf("warmping.ParseReply: %q is not a warm-up reply", truncate(b, 200))
	}
	return r, nil
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
