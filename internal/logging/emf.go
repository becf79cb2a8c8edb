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
	defs := make([]emfMetric, len(metrics))
	attrs := make([]slog.Attr, 0, 1+len(metrics))
	attrs = append(attrs, slog.Any("_aws", emfRecord{
		Timestamp: at.UnixMilli(),
		CloudWatchMetrics: []emfDirective{{
			Namespace:  MetricsNamespace,
			Dimensions: [][]string{dimensions},
			Metrics:    defs,
		}},
	}))
	for i, m := range metrics {
		defs[i] = emfMetric{Name: m.Name, Unit: "Count"}
		attrs = append(attrs, slog.Float64(m.Name, m.Value))
	}
	return attrs
}

// emfRecord is the _aws member of an embedded-metric-format line.
type emfRecord struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}
