package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/eventboard/eventboard/internal/manifest"
)

// ProvisionOption changes how Provision creates the resources.
type ProvisionOption func(*provisionConfig) error

type provisionConfig struct {
	visibility map[string]time.Duration
}

// WithVisibilityTimeout gives the queue with the given logical ID a
// visibility timeout of d instead of serverless.yml's, so tests see failed
// messages again, and reach the DLQ, in seconds. A local-only knob: d is
// whole seconds, as in SQS, and the rest of the queue is unchanged.
func WithVisibilityTimeout(logicalID string, d time.Duration) ProvisionOption {
	return func(c *provisionConfig) error {
		if d < 0 || d > 12*time.Hour || d%time.Second != 0 {
			return fmt.Errorf("visibility timeout of %s: %s is not whole seconds from 0 to 12h", logicalID, d)
		}
		c.visibility[logicalID] = d
		return nil
	}
}

// Provision creates in kumo every queue (dead-letter queues first, so a
// RedrivePolicy names an existing ARN), event bus and rule (with its event
// pattern and targets) of m, and returns them. It is idempotent: resources
// kept from an earlier run (kumo persists them under KUMO_DATA_DIR) are
// updated to what serverless.yml says. AWS::Scheduler::Schedule resources
// are left to Start (kumo's Scheduler never fires). A resource type not
// provisioned here and not listed in NotProvisioned, a property or
// intrinsic it cannot map, or a reference to something the local stack
// lacks is an error.
func Provision(ctx context.Context, m *manifest.Manifest, c Clients, opts ...ProvisionOption) (*Resources, error) {
	cfg := provisionConfig{visibility: map[string]time.Duration{}}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("pipeline.Provision: %w", err)
		}
	}
	r := &Resources{
		region:    m.Region,
		stackName: m.Service + "-" + m.Stage,
		declared:  m.Resources,
		queues:    map[string]Queue{},
		buses:     map[string]Bus{},
		rules:     map[string]Rule{},
	}
	byType := map[string][]string{}
	for _, id := range slices.Sorted(maps.Keys(m.Resources)) {
		typ := m.Resources[id].Type
		if _, skip := NotProvisioned[typ]; !skip && !provisioned[typ] && typ != typeSchedule {
			return nil, fmt.Errorf("pipeline.Provision: resource %s: the local stack does not emulate %s (provision it, or list it in NotProvisioned with the reason)", id, typ)
		}
		if _, conditional := m.Resources[id].Raw["Condition"]; conditional && provisioned[typ] {
			return nil, fmt.Errorf("pipeline.Provision: resource %s: conditions are not emulated by the local stack", id)
		}
		byType[typ] = append(byType[typ], id)
	}
	for id := range cfg.visibility {
		if res, ok := m.Resources[id]; !ok || res.Type != typeQueue {
			return nil, fmt.Errorf("pipeline.Provision: WithVisibilityTimeout(%s): no AWS::SQS::Queue %s in serverless.yml", id, id)
		}
	}
	p := provisioner{r: r, c: c, m: m, cfg: cfg}
	if err := p.queues(ctx, byType[typeQueue]); err != nil {
		return nil, fmt.Errorf("pipeline.Provision: %w", err)
	}
	for _, id := range byType[typeBus] {
		if err := p.bus(ctx, id); err != nil {
			return nil, fmt.Errorf("pipeline.Provision: event bus %s: %w", id, err)
		}
	}
	for _, id := range byType[typeRule] {
		if err := p.rule(ctx, id); err != nil {
			return nil, fmt.Errorf("pipeline.Provision: rule %s: %w", id, err)
		}
	}
	return r, nil
}

type provisioner struct {
	r   *Resources
	c   Clients
	m   *manifest.Manifest
	cfg provisionConfig
}

// generatedName is the name of a resource serverless.yml does not name;
// CloudFormation would add a random suffix, which a restart must not change.
func (p provisioner) generatedName(logicalID string, limit int) string {
	name := p.r.stackName + "-" + logicalID
	return name[:min(len(name), limit)]
}

// tagMap reads CloudFormation's [{Key, Value}] tags.
func tagMap(v any) (map[string]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("property Tags: want a list of {Key, Value}")
	}
	tags := map[string]string{}
	for _, item := range list {
		kv, _ := item.(map[string]any)
		k, err1 := scalarString(kv["Key"])
		val, err2 := scalarString(kv["Value"])
		if err := errors.Join(err1, err2); err != nil || len(kv) != 2 {
			return nil, fmt.Errorf("property Tags: %v: want {Key, Value}", item)
		}
		tags[k] = val
	}
	return tags, nil
}

// intValue reads a whole number written in serverless.yml.
func intValue(v any) (int, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		return int(n), nil
	case uint64:
		return int(n), nil
	case float64:
		if n == float64(int(n)) {
			return int(n), nil
		}
	case string:
		var i int
		if _, err := fmt.Sscan(n, &i); err == nil && fmt.Sprint(i) == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%v is not a whole number", v)
}
