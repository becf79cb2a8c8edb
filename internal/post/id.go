package post

import (
	"bytes"
	"encoding/base64"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/apperr"
)

// ErrInvalidID is returned for a post id that is not a UUID.
var ErrInvalidID = apperr.New(apperr.Invalid, "INVALID_POST_ID", "The post id must be a UUID.")

// ErrInvalidCursor is returned for a cursor this service did not issue.
var ErrInvalidCursor = apperr.New(apperr.Invalid, "INVALID_CURSOR", "The cursor is not valid; start the listing again without one.")

// ParseID checks that s is a post id (a UUID in its canonical form) and
// returns it canonicalized to lower case.
func ParseID(s string) (string, error) {
	if len(s) != 36 {
		return "", ErrInvalidID
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return "", ErrInvalidID
	}
	return id.String(), nil
}

// cursor is what an opaque cursor carries. It is a position in the listing,
// not a capability: the posts it leads to are public, so it needs no
// signature, only strict decoding.
type cursor struct {
	V     int    `json:"v"`
	After string `json:"after"`
}

const cursorVersion = 1

// EncodeCursor returns the opaque cursor that continues a listing after the
// post with the given id.
func EncodeCursor(afterID string) string {
	b, _ := json.Marshal(cursor{V: cursorVersion, After: afterID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor returns the post id an opaque cursor continues after. Any
// cursor not produced by EncodeCursor is ErrInvalidCursor.
func DecodeCursor(s string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) > 128 {
		return "", ErrInvalidCursor
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c cursor
	if err := dec.Decode(&c); err != nil || dec.More() || c.V != cursorVersion {
		return "", ErrInvalidCursor
	}
	id, err := uuid.Parse(c.After)
	if err != nil || len(c.After) != 36 || id.Version() != 7 || id.String() != c.After {
		return "", ErrInvalidCursor
	}
	return c.After, nil
}
