package events_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/events"
)

// Every sample is a valid event: its detail matches its schema, the Go code
// decodes it, and re-encoding gives the same detail back (so the samples are
// in the canonical form producers emit).
func TestSamplesMatchSchemas(t *testing.T) {
	t.Parallel()
	for _, dt := range events.DetailTypes() {
		t.Run(dt, func(t *testing.T) {
			t.Parallel()
			e := sampleEvent(t, dt)
			if e.DetailType != dt {
				t.Errorf("detail-type = %q, want %q", e.DetailType, dt)
			}
			if err := validate(t, dt, events.SchemaVersion, false, e.Detail); err != nil {
				t.Fatalf("sample does not match its schema:\n%v", err)
			}
			ev, err := e.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if ev.Source() != e.Source {
				t.Errorf("source = %q, want %q", e.Source, ev.Source())
			}
			again, err := ev.Detail()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(jsonValue(t, e.Detail), jsonValue(t, again)); diff != "" {
				t.Errorf("re-encoded detail differs from the sample (-sample +re-encoded):\n%s", diff)
			}
			if !e.Time.Equal(ev.Meta().OccurredAt.Truncate(time.Second)) {
				t.Errorf("time = %v, want occurredAt to the second, %v", e.Time, ev.Meta().OccurredAt)
			}
		})
	}
}

// What the Go code emits matches the schemas, even with every object closed:
// the Go types emit exactly the documented properties. Both ways a producer
// may build an event are checked: with New, and as an Envelope literal.
func TestEmittedEventsMatchSchemas(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	late := time.Date(2026, 12, 31, 23, 59, 59, 999_999_999, zone)
	for _, tc := range []struct {
		name string
		data events.Data
		meta events.Metadata
	}{
		{"PostCreated",
			events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "ada", Title: "Hello", CreatedAt: created, Version: 1}, meta("eventboard.createPost")},
		{"PostCreated with a title of 200 ASCII characters",
			events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "ada", Title: strings.Repeat("a", events.MaxTitleLen), CreatedAt: created, Version: 1}, meta("eventboard.createPost")},
		{"PostCreated with a title of 200 astral characters (800 bytes)",
			events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "ада", Title: strings.Repeat("🚲", events.MaxTitleLen), CreatedAt: created, Version: 1}, meta("eventboard.createPost")},
		{"PostCreated with a title of 200 code points from combining marks",
			events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "zoë", Title: strings.Repeat("e\u0301", events.MaxTitleLen/2), CreatedAt: created, Version: 1}, meta("eventboard.createPost")},
		{"PostCreated with a unicode title",
			events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "李", Title: "日本語のタイトル — مرحبا ☕ Ünïcødé", CreatedAt: created, Version: 1}, meta("eventboard.createPost")},
		{"PostCreated with a title JSON and HTML must escape",
			events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "ada", Title: "<b>\"quotes\" & \\back\\slashes</b>\u2028\ttab", CreatedAt: created, Version: 1}, meta("eventboard.createPost")},
		{"PostCreated with times in another zone, to the nanosecond",
			events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "ada", Title: "Late", CreatedAt: late, Version: 1},
			events.Metadata{EventID: eventID, OccurredAt: late, CorrelationID: "c", Producer: "eventboard.createPost"}},
		{"PostUpdated",
			events.PostUpdated{PostID: postID, AuthorID: authorID, Title: "Edited ✎", UpdatedAt: created.Add(time.Hour), Version: 2, CreatedAt: created}, meta("eventboard.updatePost")},
		{"PostUpdated with a title of 200 characters and a large version",
			events.PostUpdated{PostID: postID, AuthorID: authorID, Title: strings.Repeat("é", events.MaxTitleLen), UpdatedAt: created, Version: 1 << 40, CreatedAt: created}, meta("eventboard.updatePost")},
		{"PostDeleted",
			events.PostDeleted{PostID: postID, AuthorID: authorID, CreatedAt: created, DeletedAt: created.Add(24 * time.Hour), Version: 3}, meta("eventboard.deletePost")},
		{"UserConfirmed",
			events.UserConfirmed{UserID: authorID, Username: "ada", ConfirmedAt: created}, meta("eventboard.postConfirmation")},
		{"UserConfirmed with a unicode username, in another zone",
			events.UserConfirmed{UserID: authorID, Username: "Ελένη", ConfirmedAt: created.In(zone)}, meta("eventboard.postConfirmation")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			built, err := newEvent(tc.data, tc.meta)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range []events.Event{built, literal(tc.data, tc.meta)} {
				detail, err := ev.Detail()
				if err != nil {
					t.Fatal(err)
				}
				if err := validate(t, ev.DetailType(), events.SchemaVersion, true, detail); err != nil {
					t.Fatalf("emitted detail does not match the schema:\n%v\n%s", err, detail)
				}
				back, err := events.Decode(ev.DetailType(), detail)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(built, back); diff != "" {
					t.Errorf("decoding what was emitted gives another event than New (-New +decoded):\n%s", diff)
				}
			}
		})
	}
}

// newEvent calls New with data's concrete type.
func newEvent(data events.Data, m events.Metadata) (events.Event, error) {
	switch d := data.(type) {
	case events.PostCreated:
		return events.New(d, m)
	case events.PostUpdated:
		return events.New(d, m)
	case events.PostDeleted:
		return events.New(d, m)
	case events.UserConfirmed:
		return events.New(d, m)
	}
	panic(fmt.Sprintf("newEvent: %T", data))
}

// literal builds the Envelope of data by hand, as New does not.
func literal(data events.Data, m events.Metadata) events.Event {
	m.SchemaVersion = events.SchemaVersion
	switch d := data.(type) {
	case events.PostCreated:
		return events.Envelope[events.PostCreated]{Metadata: m, Data: d}
	case events.PostUpdated:
		return events.Envelope[events.PostUpdated]{Metadata: m, Data: d}
	case events.PostDeleted:
		return events.Envelope[events.PostDeleted]{Metadata: m, Data: d}
	case events.UserConfirmed:
		return events.Envelope[events.UserConfirmed]{Metadata: m, Data: d}
	}
	panic(fmt.Sprintf("literal: %T", data))
}

// The Go decoder and the schema agree: each detail below is rejected by
// both, or accepted by both.
func TestDecoderAgreesWithSchema(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		detailType string
		edit       func(detail map[string]any)
		valid      bool
	}{
		{"sample", "PostCreated", func(map[string]any) {}, true},
		{"unknown top-level property", "PostCreated", func(d map[string]any) { d["extra"] = 1 }, true},
		{"unknown metadata property", "PostUpdated", func(d map[string]any) { m(d, "metadata")["causationId"] = "x" }, true},
		{"unknown data property", "PostDeleted", func(d map[string]any) { m(d, "data")["reason"] = map[string]any{"any": "shape"} }, true},
		{"title of 200 characters", "PostCreated", func(d map[string]any) { m(d, "data")["title"] = strings.Repeat("ß", 200) }, true},
		{"title of 201 characters", "PostCreated", func(d map[string]any) { m(d, "data")["title"] = strings.Repeat("ß", 201) }, false},
		{"empty title", "PostUpdated", func(d map[string]any) { m(d, "data")["title"] = "" }, false},
		{"missing metadata", "PostCreated", func(d map[string]any) { delete(d, "metadata") }, false},
		{"data not an object", "PostCreated", func(d map[string]any) { d["data"] = []any{} }, false},
		{"missing eventId", "PostCreated", func(d map[string]any) { delete(m(d, "metadata"), "eventId") }, false},
		{"eventId a UUIDv4", "PostCreated", func(d map[string]any) { m(d, "metadata")["eventId"] = authorID }, false},
		{"eventId in upper case", "PostCreated", func(d map[string]any) { m(d, "metadata")["eventId"] = strings.ToUpper(eventID) }, false},
		{"schemaVersion a number", "UserConfirmed", func(d map[string]any) { m(d, "metadata")["schemaVersion"] = 1 }, false},
		{"schemaVersion 2", "UserConfirmed", func(d map[string]any) { m(d, "metadata")["schemaVersion"] = "2" }, false},
		{"occurredAt without milliseconds", "PostCreated", func(d map[string]any) { m(d, "metadata")["occurredAt"] = "2026-03-14T09:26:53Z" }, false},
		{"occurredAt with an offset", "PostCreated", func(d map[string]any) { m(d, "metadata")["occurredAt"] = "2026-03-14T10:26:53.402+01:00" }, false},
		{"occurredAt with microseconds", "PostCreated", func(d map[string]any) { m(d, "metadata")["occurredAt"] = "2026-03-14T09:26:53.402123Z" }, false},
		{"createdAt not a date", "PostDeleted", func(d map[string]any) { m(d, "data")["createdAt"] = "2026-02-30T09:26:53.402Z" }, false},
		{"empty correlationId", "PostCreated", func(d map[string]any) { m(d, "metadata")["correlationId"] = "" }, false},
		{"null producer", "PostCreated", func(d map[string]any) { m(d, "metadata")["producer"] = nil }, false},
		{"postId not a UUID", "PostCreated", func(d map[string]any) { m(d, "data")["postId"] = "42" }, false},
		{"postId in upper case", "PostDeleted", func(d map[string]any) { m(d, "data")["postId"] = strings.ToUpper(postID) }, false},
		{"authorId missing", "PostUpdated", func(d map[string]any) { delete(m(d, "data"), "authorId") }, false},
		{"property name in another case", "PostUpdated", func(d map[string]any) {
			data := m(d, "data")
			data["AuthorID"] = data["authorId"]
			delete(data, "authorId")
		}, false},
		{"version 0", "PostCreated", func(d map[string]any) { m(d, "data")["version"] = 0 }, false},
		{"version a string", "PostCreated", func(d map[string]any) { m(d, "data")["version"] = "1" }, false},
		{"version a fraction", "PostCreated", func(d map[string]any) { m(d, "data")["version"] = 1.5 }, false},
		{"empty username", "UserConfirmed", func(d map[string]any) { m(d, "data")["username"] = "" }, false},
		{"userId missing", "UserConfirmed", func(d map[string]any) { delete(m(d, "data"), "userId") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d map[string]any
			if err := json.Unmarshal(sampleEvent(t, tc.detailType).Detail, &d); err != nil {
				t.Fatal(err)
			}
			tc.edit(d)
			detail, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			schemaErr := validate(t, tc.detailType, events.SchemaVersion, false, detail)
			_, decodeErr := events.Decode(tc.detailType, detail)
			if (schemaErr == nil) != tc.valid || (decodeErr == nil) != tc.valid {
				t.Errorf("valid = %v, but schema says %v and Decode says %v\n%s", tc.valid, schemaErr, decodeErr, detail)
			}
		})
	}
}

// m returns the object under key in d.
func m(d map[string]any, key string) map[string]any { return d[key].(map[string]any) }

var schemaFileName = regexp.MustCompile(`^([A-Za-z]+)\.v([1-9][0-9]*)\.json$`)

// The schema files hang together: each is named <detail-type>.v<version>.json
// for a known detail-type, its $id and metadata.schemaVersion say the same,
// and every schema of a version describes the metadata identically.
func TestSchemaFilesAreConsistent(t *testing.T) {
	t.Parallel()
	metadataByVersion := map[string]any{}
	seen := map[string]bool{}
	for _, path := range schemaFiles(t, "schemas") {
		name := filepath.Base(path)
		parts := schemaFileName.FindStringSubmatch(name)
		if parts == nil {
			t.Errorf("%s: want a name like PostCreated.v1.json", name)
			continue
		}
		dt, version := parts[1], parts[2]
		seen[dt+".v"+version] = true
		embedded, err := events.Schema(dt, version)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var s struct {
			Schema     string `json:"$schema"`
			ID         string `json:"$id"`
			Properties struct {
				Metadata struct {
					Properties struct {
						SchemaVersion struct {
							Const string `json:"const"`
						} `json:"schemaVersion"`
					} `json:"properties"`
				} `json:"metadata"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(embedded, &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema = %q, want draft 2020-12", name, s.Schema)
		}
		if want := "urn:eventboard:events:" + dt + ":v" + version; s.ID != want {
			t.Errorf("%s: $id = %q, want %q", name, s.ID, want)
		}
		if got := s.Properties.Metadata.Properties.SchemaVersion.Const; got != version {
			t.Errorf("%s: metadata.schemaVersion const = %q, want %q", name, got, version)
		}
		metadata := jsonValue(t, embedded).(map[string]any)["properties"].(map[string]any)["metadata"]
		if first, ok := metadataByVersion[version]; !ok {
			metadataByVersion[version] = metadata
		} else if diff := cmp.Diff(first, metadata); diff != "" {
			t.Errorf("%s: metadata differs from the other v%s schemas:\n%s", name, version, diff)
		}
	}
	for _, dt := range events.DetailTypes() {
		if !seen[dt+".v"+events.SchemaVersion] {
			t.Errorf("no schema for %s at version %s", dt, events.SchemaVersion)
		}
	}
}

// schemaFiles lists the *.json files directly in dir, failing if none.
func schemaFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := fs.Glob(os.DirFS(dir), "*.json")
	if err != nil || len(entries) == 0 {
		t.Fatalf("no schemas in %s (%v)", dir, err)
	}
	for i, e := range entries {
		entries[i] = filepath.Join(dir, e)
	}
	return entries
}
