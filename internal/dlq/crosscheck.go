package dlq

import "fmt"

// Disagreements compares the DLQs a stage has (found, as Discover reports
// them) with those serverless.yml declares for it, and describes each
// difference in one line: a DLQ only one of them has, or one whose kind,
// source or destination differ. It returns nil when they agree.
func Disagreements(found, declared Topology) []string {
	byName := func(t Topology) map[string]DLQ {
		m := make(map[string]DLQ, len(t))
		for _, d := range t {
			m[d.Name] = d
		}
		return m
	}
	has, says := byName(found), byName(declared)
	var out []string
	for _, d := range declared {
		got, ok := has[d.Name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("serverless.yml declares %s, which the stage does not have", describe(d)))
		case got.Kind != d.Kind || got.Source != d.Source || got.Destination != d.Destination:
			out = append(out, fmt.Sprintf("serverless.yml declares %s; the stage has %s", describe(d), describe(got)))
		}
	}
	for _, d := range found {
		if _, ok := says[d.Name]; !ok {
			out = append(out, fmt.Sprintf("the stage has %s, which serverless.yml does not declare", describe(d)))
		}
	}
	return out
}

// describe says what d is, for a person: "counter-dlq (the queue DLQ of
// eventboard-prod-counter, replayed to eventboard-prod-counter)".
func describe(d DLQ) string {
	return fmt.Sprintf("%s (the %s DLQ of %s, replayed to %s)", d.Short, d.Kind, d.Source, d.Destination)
}
