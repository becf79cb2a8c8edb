package dlq

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/manifest"
)

// Kind says what dead-letters into a DLQ, and so where its messages go back.
type Kind string

// The kinds of DLQ.
const (
	// QueueDLQ receives what a queue's consumer failed maxReceiveCount
	// times; replay sends it back to that queue.
	QueueDLQ Kind = "queue"
	// RuleDLQ receives what an EventBridge rule could not deliver to its
	// target; replay sends it to that target queue.
	RuleDLQ Kind = "rule"
)

// DLQ is one dead-letter queue of a stage and where its messages belong.
type DLQ struct {
	// Short is the name without the "<service>-<stage>-" prefix
	// ("counter-dlq"): what operators type.
	Short string `json:"queue"`
	// Name is the SQS queue name.
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Source is what dead-letters into it: the source queue's name for a
	// queue DLQ, the rule's name for a rule DLQ.
	Source string `json:"source"`
	// Destination is the name of the queue a replay sends to: the source
	// queue, or the rule's target queue.
	Destination string `json:"destination"`
}

// Topology is every DLQ of a stage, sorted by Short.
type Topology []DLQ

// Find returns the DLQ that ref names: its short name, its queue name, or
// a queue URL ending in its name. The error is an apperr NotFound
// (DLQ_NOT_FOUND) listing the DLQs there are.
func (t Topology) Find(ref string) (DLQ, error) {
	name := ref
	if strings.Contains(ref, "://") {
		name = ref[strings.LastIndex(ref, "/")+1:]
	}
	for _, d := range t {
		if d.Short == name || d.Name == name {
			return d, nil
		}
	}
	names := make([]string, len(t))
	for i, d := range t {
		names[i] = d.Short
	}
	return DLQ{}, apperr.Errorf(apperr.NotFound, "DLQ_NOT_FOUND", "no DLQ %q; there are: %s", ref, strings.Join(names, ", "))
}

// collector gathers the DLQs of a stage, one source each, by queue name.
type collector struct {
	// prefix is "<service>-<stage>-", trimmed from names to make Short.
	prefix string
	found  map[string]DLQ
}

func newCollector(service, stage string) *collector {
	return &collector{prefix: service + "-" + stage + "-", found: map[string]DLQ{}}
}

// add records d, whose Name is set. A DLQ must have one source, or replay
// would not know where to send its messages.
func (c *collector) add(d DLQ) error {
	if prev, ok := c.found[d.Name]; ok {
		return fmt.Errorf("queue %s is the DLQ of both %s and %s; eventboard dlq needs one source per DLQ", d.Name, prev.Source, d.Source)
	}
	d.Short = strings.TrimPrefix(d.Name, c.prefix)
	c.found[d.Name] = d
	return nil
}

// topology returns what was added, sorted by Short.
func (c *collector) topology() Topology {
	t := make(Topology, 0, len(c.found))
	for _, d := range c.found {
		t = append(t, d)
	}
	slices.SortFunc(t, func(a, b DLQ) int { return strings.Compare(a.Short, b.Short) })
	return t
}

// Resource types the topology reads.
const (
	typeQueue = "AWS::SQS::Queue"
	typeRule  = "AWS::Events::Rule"
)

// FromManifest finds the DLQs that serverless.yml declares: every queue
// named as a RedrivePolicy's deadLetterTargetArn (a queue DLQ) and every
// queue named as a rule target's DeadLetterConfig (a rule DLQ). A DLQ must
// have one source, and a rule DLQ's target must be a queue of the file, or
// replay would not know where to send.
func FromManifest(m *manifest.Manifest) (Topology, error) {
	const op = "dlq.FromManifest"
	names := map[string]string{} // queue logical ID -> name
	for id, r := range m.Resources {
		if r.Type != typeQueue {
			continue
		}
		name, _ := r.Properties["QueueName"].(string)
		if name == "" {
			return nil, fmt.Errorf("%s: queue %s: no QueueName (eventboard dlq needs queue names it can resolve offline)", op, id)
		}
		names[id] = name
	}
	c := newCollector(m.Service, m.Stage)
	add := func(dlqID string, d DLQ) error {
		name, ok := names[dlqID]
		if !ok {
			return fmt.Errorf("%s: %s: dead-letter target %s is not a queue of serverless.yml", op, d.Source, dlqID)
		}
		d.Name = name
		if err := c.add(d); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		return nil
	}
	for _, id := range sortedIDs(m) {
		r := m.Resources[id]
		switch r.Type {
		case typeQueue:
			target, ok, err := redriveTarget(r.Properties["RedrivePolicy"])
			if err != nil {
				return nil, fmt.Errorf("%s: queue %s: %w", op, id, err)
			}
			if ok {
				if err := add(target, DLQ{Kind: QueueDLQ, Source: names[id], Destination: names[id]}); err != nil {
					return nil, err
				}
			}
		case typeRule:
			rule, _ := r.Properties["Name"].(string)
			if rule == "" {
				rule = id
			}
			targets, _ := r.Properties["Targets"].([]any)
			for _, t := range targets {
				t, _ := t.(map[string]any)
				dl, _ := t["DeadLetterConfig"].(map[string]any)
				dlqID, ok := getAttArn(dl["Arn"])
				if !ok {
					continue
				}
				dest, ok := getAttArn(t["Arn"])
				if _, isQueue := names[dest]; !ok || !isQueue {
					return nil, fmt.Errorf("%s: rule %s: the target with DLQ %s is not a queue of serverless.yml; eventboard dlq replays only to queues", op, id, dlqID)
				}
				if err := add(dlqID, DLQ{Kind: RuleDLQ, Source: rule, Destination: names[dest]}); err != nil {
					return nil, err
				}
			}
		}
	}
	return c.topology(), nil
}

func sortedIDs(m *manifest.Manifest) []string {
	ids := make([]string, 0, len(m.Resources))
	for id := range m.Resources {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// redriveTarget returns the logical ID of a RedrivePolicy's
// deadLetterTargetArn, given as a mapping or as its JSON.
func redriveTarget(v any) (string, bool, error) {
	if v == nil {
		return "", false, nil
	}
	policy, ok := v.(map[string]any)
	if s, isJSON := v.(string); isJSON {
		ok = json.Unmarshal([]byte(s), &policy) == nil
	}
	if !ok {
		return "", false, fmt.Errorf("RedrivePolicy: want a mapping, got %v", v)
	}
	id, ok := getAttArn(policy["deadLetterTargetArn"])
	if !ok {
		return "", false, fmt.Errorf("RedrivePolicy: deadLetterTargetArn must be Fn::GetAtt [Queue, Arn], got %v", policy["deadLetterTargetArn"])
	}
	return id, true, nil
}

// getAttArn returns X of {"Fn::GetAtt": [X, "Arn"]} or {"Fn::GetAtt": "X.Arn"}.
func getAttArn(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	switch args := m["Fn::GetAtt"].(type) {
	case []any:
		if len(args) == 2 && args[1] == "Arn" {
			id, ok := args[0].(string)
			return id, ok
		}
	case string:
		if id, ok := strings.CutSuffix(args, ".Arn"); ok {
			return id, true
		}
	}
	return "", false
}
