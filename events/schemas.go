package events

import (
	"embed"
	"fmt"
)

// The schemas of every detail-type and version, and one sample event per
// detail-type; schemas/published/ holds copies of the released schemas for
// the compatibility test, and is left out.
//
//go:embed schemas/*.json samples/*.json
var files embed.FS

// Schema returns the JSON Schema (draft 2020-12) of the detail of events of
// detailType at a schema version ("1"). It describes the whole detail,
// envelope and data. The schema leaves objects open (additionalProperties:
// true) because a version may gain optional properties; a subscriber must
// ignore properties it does not know.
//
// Errors wrap ErrUnknownDetailType or ErrUnsupportedSchemaVersion.
func Schema(detailType, version string) ([]byte, error) {
	if _, ok := kinds[detailType]; !ok {
		return nil, fmt.Errorf("events.Schema: %w: %q", ErrUnknownDetailType, detailType)
	}
	if isDigits(version) {
		if b, err := files.ReadFile("schemas/" + detailType + ".v" + version + ".json"); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("events.Schema %s: %w: %q", detailType, ErrUnsupportedSchemaVersion, version)
}

// Sample returns an event of detailType at SchemaVersion as an SQS target of
// an EventBridge rule receives it (the message body), for subscribers' tests.
// The error wraps ErrUnknownDetailType.
func Sample(detailType string) ([]byte, error) {
	if _, ok := kinds[detailType]; !ok {
		return nil, fmt.Errorf("events.Sample: %w: %q", ErrUnknownDetailType, detailType)
	}
	return files.ReadFile("samples/" + detailType + ".json")
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
