package events_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/events"
)

func TestBusName(t *testing.T) {
	t.Parallel()
	if got := events.BusName("prod"); got != "eventboard-prod" {
		t.Errorf("BusName(prod) = %q", got)
	}
}

func TestDataTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		data               events.Data
		source, detailType string
	}{
		{events.PostCreated{}, "eventboard.posts", "PostCreated"},
		{events.PostUpdated{}, "eventboard.posts", "PostUpdated"},
		{events.PostDeleted{}, "eventboard.posts", "PostDeleted"},
		{events.UserConfirmed{}, "eventboard.users", "UserConfirmed"},
	} {
		if tc.data.Source() != tc.source || tc.data.DetailType() != tc.detailType {
			t.Errorf("%T: source %q, detail-type %q; want %q, %q", tc.data, tc.data.Source(), tc.data.DetailType(), tc.source, tc.detailType)
		}
	}
	want := []string{"PostCreated", "PostDeleted", "PostUpdated", "UserConfirmed"}
	if diff := cmp.Diff(want, events.DetailTypes()); diff != "" {
		t.Errorf("DetailTypes (-want +got):\n%s", diff)
	}
}

// New normalizes what it is given to what a subscriber decodes.
func TestNewNormalizes(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("UTC-3", -3*3600)
	at := time.Date(2026, 3, 14, 6, 26, 53, 402_987_654, zone)
	m := meta("eventboard.createPost")
	m.SchemaVersion = "" // means the current one
	m.OccurredAt = at
	got, err := events.New(events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "ada", Title: "Hi", CreatedAt: at, Version: 1}, m)
	if err != nil {
		t.Fatal(err)
	}
	want := events.Envelope[events.PostCreated]{
		Metadata: events.Metadata{EventID: eventID, SchemaVersion: "1", OccurredAt: created, CorrelationID: m.CorrelationID, Producer: m.Producer},
		Data:     events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "ada", Title: "Hi", CreatedAt: created, Version: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("New (-want +got):\n%s", diff)
	}
	if got.Metadata.OccurredAt.Location() != time.UTC {
		t.Errorf("occurredAt in %v, want UTC", got.Metadata.OccurredAt.Location())
	}
	detail, err := got.Detail()
	if err != nil {
		t.Fatal(err)
	}
	const wantDetail = `{"metadata":{"eventId":"019cebab-88e9-73b7-a9e1-f2a4c6e8091a","schemaVersion":"1","occurredAt":"2026-03-14T09:26:53.402Z","correlationId":"Jk3sWgB7IAMEPxw=","producer":"eventboard.createPost"},"data":{"postId":"019cebab-88da-7c1a-9e2b-4d07f3a6581c","authorId":"8f14e45f-ceea-467f-a0e6-2d4b8c9a1f37","authorName":"ada","title":"Hi","createdAt":"2026-03-14T09:26:53.402Z","version":1}}`
	if string(detail) != wantDetail {
		t.Errorf("Detail =\n%s\nwant\n%s", detail, wantDetail)
	}
	if got.Source() != events.SourcePosts || got.DetailType() != events.DetailTypePostCreated {
		t.Errorf("source %q, detail-type %q", got.Source(), got.DetailType())
	}
}

func TestNewRejectsWhatBreaksTheContract(t *testing.T) {
	t.Parallel()
	valid := events.PostCreated{PostID: postID, AuthorID: authorID, AuthorName: "ada", Title: "Hi", CreatedAt: created, Version: 1}
	for _, tc := range []struct {
		name    string
		edit    func(*events.PostCreated, *events.Metadata)
		wantErr error
		wantMsg string
	}{
		{"title of 201 characters", func(d *events.PostCreated, _ *events.Metadata) { d.Title = strings.Repeat("ü", 201) },
			events.ErrInvalid, "data.title: must be at most 200 characters"},
		{"empty title", func(d *events.PostCreated, _ *events.Metadata) { d.Title = "" },
			events.ErrInvalid, "data.title: must not be empty"},
		{"title not UTF-8", func(d *events.PostCreated, _ *events.Metadata) { d.Title = "a\xffb" },
			events.ErrInvalid, "data.title: must be valid UTF-8"},
		{"postId in upper case", func(d *events.PostCreated, _ *events.Metadata) { d.PostID = strings.ToUpper(postID) },
			events.ErrInvalid, "data.postId: must be a lower-case UUID"},
		{"no author", func(d *events.PostCreated, _ *events.Metadata) { d.AuthorID, d.AuthorName = "", "" },
			events.ErrInvalid, "data.authorId: must be a lower-case UUID; data.authorName: must not be empty"},
		{"zero createdAt", func(d *events.PostCreated, _ *events.Metadata) { d.CreatedAt = time.Time{} },
			events.ErrInvalid, "data.createdAt: must be a time between years 1 and 9999"},
		{"createdAt after 9999", func(d *events.PostCreated, _ *events.Metadata) {
			d.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		},
			events.ErrInvalid, "data.createdAt: must be a time between years 1 and 9999"},
		{"version 0", func(d *events.PostCreated, _ *events.Metadata) { d.Version = 0 },
			events.ErrInvalid, "data.version: must be 1 or more"},
		{"eventId a UUIDv4", func(_ *events.PostCreated, m *events.Metadata) { m.EventID = authorID },
			events.ErrInvalid, "metadata.eventId: must be a lower-case UUIDv7"},
		{"no correlation id, no producer", func(_ *events.PostCreated, m *events.Metadata) { m.CorrelationID, m.Producer = "", "" },
			events.ErrInvalid, "metadata.correlationId: must not be empty; metadata.producer: must not be empty"},
		{"zero occurredAt", func(_ *events.PostCreated, m *events.Metadata) { m.OccurredAt = time.Time{} },
			events.ErrInvalid, "metadata.occurredAt: must be a time between years 1 and 9999"},
		{"schema version 2", func(_ *events.PostCreated, m *events.Metadata) { m.SchemaVersion = "2" },
			events.ErrUnsupportedSchemaVersion, `events.New PostCreated: events: unsupported schema version: "2"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, m := valid, meta("eventboard.createPost")
			tc.edit(&d, &m)
			_, err := events.New(d, m)
			if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error = %v, want %v containing %q", err, tc.wantErr, tc.wantMsg)
			}
		})
	}
}

// An Envelope built by hand cannot be published when it breaks the contract.
func TestDetailRejectsAnInvalidEnvelope(t *testing.T) {
	t.Parallel()
	e := events.Envelope[events.UserConfirmed]{Metadata: meta("eventboard.postConfirmation"), Data: events.UserConfirmed{UserID: authorID}}
	_, err := e.Detail()
	if !errors.Is(err, events.ErrInvalid) || !strings.Contains(err.Error(), "data.username: must not be empty; data.confirmedAt: must be a time") {
		t.Errorf("error = %v", err)
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	detail := sampleEvent(t, "PostDeleted").Detail
	ev, err := events.Decode("PostDeleted", detail)
	if err != nil {
		t.Fatal(err)
	}
	want := events.Envelope[events.PostDeleted]{
		Metadata: events.Metadata{
			EventID:       "019cf2cc-535f-7a8e-ac4b-2d0f1a3c5e7b",
			SchemaVersion: "1",
			OccurredAt:    time.Date(2026, 3, 15, 18, 40, 2, 897_000_000, time.UTC),
			CorrelationID: "JmA2xjB9IAMEcRg=",
			Producer:      "eventboard.deletePost",
		},
		Data: events.PostDeleted{
			PostID:    postID,
			AuthorID:  authorID,
			CreatedAt: created,
			DeletedAt: time.Date(2026, 3, 15, 18, 40, 2, 897_000_000, time.UTC),
			Version:   2,
		},
	}
	if diff := cmp.Diff(events.Event(want), ev); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(events.Data(want.Data), ev.Payload()); diff != "" {
		t.Errorf("Payload (-want +got):\n%s", diff)
	}
	if ev.Meta().EventID != want.Metadata.EventID {
		t.Errorf("Meta().EventID = %q", ev.Meta().EventID)
	}

	typed, err := events.DecodeAs[events.PostDeleted](detail)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, typed); diff != "" {
		t.Errorf("DecodeAs (-want +got):\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	sample := string(sampleEvent(t, "PostCreated").Detail)
	for _, tc := range []struct {
		name, detailType, detail string
		wantErr                  error
		wantMsg                  string
	}{
		{"unknown detail-type", "PostPinned", sample,
			events.ErrUnknownDetailType, `events.Decode: events: unknown detail-type: "PostPinned"`},
		{"another schema version", "PostCreated", `{"metadata": {"schemaVersion": "2"}, "data": {"post": {}}}`,
			events.ErrUnsupportedSchemaVersion, `events.Decode PostCreated: events: unsupported schema version: "2"`},
		{"not JSON", "PostCreated", `{"metadata":`,
			events.ErrInvalid, "events.Decode PostCreated: events: invalid event: detail is not valid JSON"},
		{"not an object", "PostCreated", `[]`,
			events.ErrInvalid, "events: invalid event: must be a JSON object"},
		{"null", "PostCreated", `null`,
			events.ErrInvalid, "events: invalid event: must be a JSON object"},
		{"empty object", "UserConfirmed", `{}`,
			events.ErrInvalid, "events: invalid event: metadata: is required; data: is required"},
		{"every problem at once", "UserConfirmed",
			`{"metadata": {"eventId": 7, "schemaVersion": null, "occurredAt": "yesterday", "Producer": "x"}, "data": {"userId": "U", "username": "", "confirmedAt": "2026-03-14T08:59:30.126Z"}}`,
			events.ErrInvalid, "events: invalid event: " +
				`metadata.eventId: must be a string; metadata.schemaVersion: must not be null; ` +
				`metadata.occurredAt: must be a UTC time with milliseconds, as "2006-01-02T15:04:05.000Z"; ` +
				`metadata.correlationId: is required; metadata.producer: is required`},
		{"values out of range", "UserConfirmed",
			`{"metadata": {"eventId": "019ceb92-75ce-71d3-a5b7-a9c0e2d4f6a8", "schemaVersion": "1", "occurredAt": "2026-03-14T08:59:30.126Z", "correlationId": "c", "producer": "p"}, "data": {"userId": "U", "username": "", "confirmedAt": "2026-03-14T08:59:30.126Z"}}`,
			events.ErrInvalid, "events: invalid event: data.userId: must be a lower-case UUID; data.username: must not be empty"},
		{"version too large", "PostCreated", strings.Replace(sample, `"version": 1`, `"version": 1e400`, 1),
			events.ErrInvalid, "data.version: must be an integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev, err := events.Decode(tc.detailType, []byte(tc.detail))
			if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error = %v\nwant %v containing %q", err, tc.wantErr, tc.wantMsg)
			}
			if ev != nil {
				t.Errorf("an event came with the error: %#v", ev)
			}
		})
	}
}

func TestParseEventBridgeEvent(t *testing.T) {
	t.Parallel()
	detail := sampleEvent(t, "UserConfirmed").Detail
	for _, tc := range []struct {
		name string
		body string
		want events.EventBridgeEvent
	}{
		{
			name: "as AWS delivers it",
			body: `{"version":"0","id":"e7d6c5b4-a392-4810-9f8e-7d6c5b4a3928","detail-type":"UserConfirmed","source":"eventboard.users","account":"123456789012","time":"2026-03-14T08:59:30Z","region":"us-east-1","resources":[],"detail":` + string(detail) + `}`,
			want: events.EventBridgeEvent{Version: "0", ID: "e7d6c5b4-a392-4810-9f8e-7d6c5b4a3928", DetailType: "UserConfirmed", Source: "eventboard.users",
				Account: "123456789012", Time: time.Date(2026, 3, 14, 8, 59, 30, 0, time.UTC), Region: "us-east-1", Resources: []string{}, Detail: detail},
		},
		{
			name: "replayed from the archive",
			body: `{"version":"0","id":"1","detail-type":"UserConfirmed","source":"eventboard.users","account":"123456789012","time":"2026-03-14T08:59:30Z","region":"us-east-1","resources":[],"detail":` + string(detail) + `,"replay-name":"counter-fix"}`,
			want: events.EventBridgeEvent{Version: "0", ID: "1", DetailType: "UserConfirmed", Source: "eventboard.users",
				Account: "123456789012", Time: time.Date(2026, 3, 14, 8, 59, 30, 0, time.UTC), Region: "us-east-1", Resources: []string{}, Detail: detail, ReplayName: "counter-fix"},
		},
		{
			// The local emulator leaves resources out, writes local time and
			// adds the bus name.
			name: "as the local emulator delivers it",
			body: `{"account":"000000000000","detail":` + string(detail) + `,"detail-type":"UserConfirmed","event-bus-name":"eventboard-dev","id":"x","region":"us-east-1","source":"eventboard.users","time":"2026-03-14T09:59:30+01:00","version":"0"}`,
			want: events.EventBridgeEvent{Version: "0", ID: "x", DetailType: "UserConfirmed", Source: "eventboard.users",
				Account: "000000000000", Time: time.Date(2026, 3, 14, 8, 59, 30, 0, time.UTC), Region: "us-east-1", Detail: detail},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := events.ParseEventBridgeEvent([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			opts := cmp.Options{
				cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
				cmp.Transformer("json", func(r json.RawMessage) any { return jsonValue(t, r) }),
			}
			if diff := cmp.Diff(tc.want, got, opts); diff != "" {
				t.Errorf("ParseEventBridgeEvent (-want +got):\n%s", diff)
			}
			ev, err := got.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := ev.Payload().(events.UserConfirmed); !ok {
				t.Errorf("payload is a %T", ev.Payload())
			}
		})
	}
}

func TestParseEventBridgeEventErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, wantMsg string
	}{
		{"not JSON", `Hello`, "must be a JSON object"},
		{"the detail alone", `{"metadata": {}, "data": {}}`, "version: is required; id: is required; detail-type: is required; source: is required; time: is required; detail: is required"},
		{"another envelope version", `{"version":"1","id":"i","detail-type":"d","source":"s","time":"2026-03-14T08:59:30Z","detail":{}}`, `version: must be "0"`},
		{"empty ids", `{"version":"0","id":"","detail-type":"","source":"","time":"2026-03-14T08:59:30Z","detail":{}}`, "id: must not be empty; source: must not be empty; detail-type: must not be empty"},
		{"detail a string", `{"version":"0","id":"i","detail-type":"d","source":"s","time":"2026-03-14T08:59:30Z","detail":"{}"}`, "detail: must be a JSON object"},
		{"bad time and resources", `{"version":"0","id":"i","detail-type":"d","source":"s","time":"now","detail":{},"resources":"arn"}`, "time: must be an RFC 3339 time; resources: has the wrong JSON type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := events.ParseEventBridgeEvent([]byte(tc.body))
			if !errors.Is(err, events.ErrInvalid) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error = %v, want ErrInvalid containing %q", err, tc.wantMsg)
			}
		})
	}
}

func TestEventBridgeEventDecodeErrors(t *testing.T) {
	t.Parallel()
	e := sampleEvent(t, "PostCreated")
	for _, tc := range []struct {
		name    string
		edit    func(*events.EventBridgeEvent)
		wantErr error
	}{
		{"someone else's PostCreated", func(e *events.EventBridgeEvent) { e.Source = "shop.orders" }, events.ErrUnknownDetailType},
		{"posts' source, users' detail-type", func(e *events.EventBridgeEvent) { e.DetailType = "UserConfirmed" }, events.ErrUnknownDetailType},
		{"a detail-type from the future", func(e *events.EventBridgeEvent) { e.DetailType = "PostPinned" }, events.ErrUnknownDetailType},
		{"a detail of another type", func(e *events.EventBridgeEvent) { e.DetailType = "PostUpdated" }, events.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := e
			tc.edit(&e)
			if _, err := e.Decode(); !errors.Is(err, tc.wantErr) {
				t.Errorf("error = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestSchemaAndSampleErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		call    func() ([]byte, error)
		wantErr error
	}{
		{"schema of an unknown type", func() ([]byte, error) { return events.Schema("PostPinned", "1") }, events.ErrUnknownDetailType},
		{"schema of an unknown version", func() ([]byte, error) { return events.Schema("PostCreated", "9") }, events.ErrUnsupportedSchemaVersion},
		{"schema version as a path", func() ([]byte, error) { return events.Schema("PostCreated", "1/../x") }, events.ErrUnsupportedSchemaVersion},
		{"schema version with a v", func() ([]byte, error) { return events.Schema("PostCreated", "v1") }, events.ErrUnsupportedSchemaVersion},
		{"sample of an unknown type", func() ([]byte, error) { return events.Sample("../schemas/PostCreated.v1") }, events.ErrUnknownDetailType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if b, err := tc.call(); !errors.Is(err, tc.wantErr) || b != nil {
				t.Errorf("got %d bytes, error %v; want %v", len(b), err, tc.wantErr)
			}
		})
	}
}
