package dlq

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// AuditRecord is one line of the audit log: a message a replay moved.
type AuditRecord struct {
	Time        time.Time `json:"time"`
	Operator    string    `json:"operator"`
	Queue       string    `json:"queue"`
	MessageID   string    `json:"messageId"`
	EventID     string    `json:"eventId,omitempty"`
	DetailType  string    `json:"detailType,omitempty"`
	Destination string    `json:"destination"`
	// Native marks the one line of a native redrive, which moves messages
	// SQS does not name: MessageID is then the task handle and Moved the
	// count.
	Native bool  `json:"native,omitempty"`
	Moved  int64 `json:"moved,omitempty"`
}

// Audit appends records to a JSON Lines file, each line written and
// synced before Append returns. Safe for concurrent use.
type Audit struct {
	mu   sync.Mutex
	f    *os.File
	path string
	n    int
}

// OpenAudit opens (creating it and its directory if need be) the audit log
// at path for appending.
func OpenAudit(path string) (*Audit, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("dlq.OpenAudit: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("dlq.OpenAudit: %w", err)
	}
	return &Audit{f: f, path: path}, nil
}

// Append writes r as one line.
func (a *Audit) Append(r AuditRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("dlq.Audit.Append: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("dlq.Audit.Append %s: %w", a.path, err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("dlq.Audit.Append %s: %w", a.path, err)
	}
	a.n++
	return nil
}

// Path is the log's file.
func (a *Audit) Path() string { return a.path }

// Lines is how many lines this Audit appended.
func (a *Audit) Lines() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}

// Close closes the file.
func (a *Audit) Close() error { return a.f.Close() }
