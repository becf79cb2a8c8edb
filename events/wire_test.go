package events

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sample is a type the package does not know: the reader and writer serve
// any tagged struct, not a list of types.
type sample struct {
	Name  string    `json:"name"`
	At    time.Time `json:"at"`
	Count int       `json:"count"`
	Inner inner     `json:"inner"`
}

type inner struct {
	ID string `json:"id"`
}

func TestMarshalWritesTheWireForm(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 14, 10, 26, 53, 402123456, time.FixedZone("CET", 3600))
	got, err := marshal(sample{Name: `a "b"`, At: at, Count: -3, Inner: inner{ID: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	// Declared order, the time in UTC to the millisecond, strings escaped.
	want := `{"name":"a \"b\"","at":"2026-03-14T09:26:53.402Z","count":-3,"inner":{"id":"x"}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("marshal (-want +got):\n%s", diff)
	}
}

func TestUnmarshalIsStrict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    sample
		wantErr string
	}{
		{
			name: "every property, and one it does not know",
			in:   `{"name":"n","at":"2026-03-14T09:26:53.402Z","count":2,"inner":{"id":"i","more":1},"extra":[]}`,
			want: sample{Name: "n", At: time.Date(2026, 3, 14, 9, 26, 53, 402000000, time.UTC), Count: 2, Inner: inner{ID: "i"}},
		},
		{
			name:    "missing, null, and a name in another case",
			in:      `{"Name":"n","at":null,"count":2,"inner":{}}`,
			wantErr: "events: invalid event: name: is required; at: must not be null; inner.id: is required",
		},
		{
			name:    "wrong JSON types",
			in:      `{"name":1,"at":"2026-03-14T09:26:53Z","count":1.5,"inner":"i"}`,
			wantErr: `events: invalid event: name: must be a string; at: must be a UTC time with milliseconds, as "2006-01-02T15:04:05.000Z"; count: must be an integer; inner: must be a JSON object`,
		},
		{
			name:    "not an object",
			in:      `[]`,
			wantErr: "events: invalid event: must be a JSON object",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := sample{Name: "untouched"}
			err := unmarshal([]byte(tt.in), &got)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrInvalid) {
					t.Errorf("error = %v\nwant  %s", err, tt.wantErr)
				}
				if got.Name != "untouched" {
					t.Errorf("a failed read changed the value: %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unmarshal (-want +got):\n%s", diff)
			}
		})
	}
}

// Every check tag of the contract's types names a rule: a typo would
// otherwise surface only as a refused event.
func TestEveryCheckTagIsARule(t *testing.T) {
	t.Parallel()
	for _, v := range []any{Metadata{}, PostCreated{}, PostUpdated{}, PostDeleted{}, UserConfirmed{}} {
		typ := reflect.TypeOf(v)
		for f := range typ.Fields() {
			for rule := range strings.SplitSeq(f.Tag.Get("check"), ",") {
				if _, ok := rules[rule]; rule != "" && !ok {
					t.Errorf("%s.%s: check %q is no rule", typ.Name(), f.Name, rule)
				}
			}
		}
	}
}

func TestCheckFollowsTheTags(t *testing.T) {
	t.Parallel()
	type checked struct {
		ID    string    `json:"id" check:"uuid"`
		Title string    `json:"title" check:"title"`
		At    time.Time `json:"at"`
		Odd   string    `json:"odd" check:"notEmpty,palindrome"`
		Inner struct {
			N int `json:"n" check:"version"`
		} `json:"inner"`
	}
	var p problems
	check(reflect.ValueOf(checked{ID: "X", Title: strings.Repeat("é", MaxTitleLen+1), Odd: "x"}), "data", &p)
	want := "events: invalid event: data.id: must be a lower-case UUID; " +
		"data.title: must be at most 200 characters; data.at: must be a time between years 1 and 9999; " +
		`data.odd: has an unknown check "palindrome"; data.inner.n: must be 1 or more`
	if err := p.err(); err == nil || err.Error() != want {
		t.Errorf("check = %v\nwant    %s", err, want)
	}
}
