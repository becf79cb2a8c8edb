package logging

import (
	"log/slog"
	"time"
)

// MetricsNamespace is the CloudWatch namespace of every metric the functions
// log.
const MetricsNamespace = "Eventboard"

// Metric is one figure a log line carries as a CloudWatch metric, in the
// Count unit (the only one used here).
type Metric struct {
	Name  string
	Value float64
}

// EMF returns the attributes that make a JSON log line also carry metrics,
// in CloudWatch's embedded metric format: the _aws member that declares
// them, and each metric's value under its name. CloudWatch Logs extracts
// them in MetricsNamespace, filed under the dimensions named in dimensions,
// from the line logged with them. The line must carry every dimension as an
// attribute of its own: logged beside these, or by the logger (the
// "function" of New). No PutMetricData call, so no IAM permission and no
// latency.
func EMF(at time.Time, dimensions []string, metrics ...Metric) []slog.Attr {
	// The _aws member is a group and maps, not structs: encoding/json's
	// first encoding of a struct type derives its fields by reflection
	// (typeFields, one nested call per struct type, which on a function's
	// first invocation, the warm-up ping included, also grows the stack to
	// 32 KB), about 10 page faults of the cold start. CloudWatch reads the
	// members by name, in any order.
	defs := make([]map[string]string, len(metrics))
	attrs := make([]slog.Attr, 0, 1+len(metrics))
	attrs = append(attrs, slog.Attr{Key: "_aws", Value: slog.GroupValue(
		slog.Int64("Timestamp", at.UnixMilli()),
		slog.Any("CloudWatchMetrics", []map[string]any{{
			"Namespace":  MetricsNamespace,
			"Dimensions": [][]string{dimensions},
			"Metrics":    defs,
		}}),
	)})
	for i, m := range metrics {
		defs[i] = map[string]string{"Name": m.Name, "Unit": "Count"}
		attrs = append(attrs, slog.Float64(m.Name, m.Value))
	}
	return attrs
}
