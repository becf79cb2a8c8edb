package events_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/events/internal/compat"
)

// A published schema version may only change additively. schemas/published/
// holds each version as last released; the current schema of that version
// must keep every promise it made (package compat lists what breaks one).
// A breaking change needs a new version: a new <type>.v<N+1>.json whose
// metadata.schemaVersion const is "N+1", published alongside the old one.
// When an additive revision is released, copy it over its published copy.
func TestPublishedSchemasStayCompatible(t *testing.T) {
	t.Parallel()
	for _, path := range schemaFiles(t, filepath.Join("schemas", "published")) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			published, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			current, err := os.ReadFile(filepath.Join("schemas", name))
			if errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("schemas/%s was deleted, but it is published: subscribers rely on it until its deprecation ends", name)
			}
			if err != nil {
				t.Fatal(err)
			}
			problems, err := compat.Check(published, current)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("breaking change to published schema %s at %s", name, p)
			}
			if len(problems) > 0 {
				t.Log("Revert it, and make the change in a new schema version instead (README.md, Versioning).")
			}
		})
	}
}

// Whatever the Go code emits is published, so the check above guards it.
func TestEmittedVersionsArePublished(t *testing.T) {
	t.Parallel()
	for _, dt := range events.DetailTypes() {
		name := dt + ".v" + events.SchemaVersion + ".json"
		if _, err := os.Stat(filepath.Join("schemas", "published", name)); err != nil {
			t.Errorf("%s is emitted but not published: copy schemas/%s to schemas/published/ when it is released (%v)", dt, name, err)
		}
	}
}
