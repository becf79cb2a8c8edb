package logging

import (
	"log/slog"
	"maps"
	"slices"
	"time"
)

// EMF returns the attributes that make a JSON log line also carry one
// CloudWatch metric, in CloudWatch's embedded metric format: CloudWatch Logs
// extracts value as the metric name in namespace, with dims as its
// dimensions, from the line logged with them. No PutMetricData call, so no
// IAM permission and no latency; the count unit is the only one used here.
func EMF(at time.Time, namespace string, dims map[string]string, name string, value float64) []any {
	keys := slices.Sorted(maps.Keys(dims))
	meta := map[string]any{
		"Timestamp": at.UnixMilli(),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace":  namespace,
			"Dimensions": [][]string{keys},
			"Metrics":    []any{map[string]string{"Name": name, "Unit": "Count"}},
		}},
	}
	attrs := []any{slog.Any("_aws", meta)}
	for _, k := range keys {
		attrs = append(attrs, slog.String(k, dims[k]))
	}
	return append(attrs, slog.Float64(name, value))
}
