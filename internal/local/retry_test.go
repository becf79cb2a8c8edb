package local_test

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// dropFirst is a TCP proxy to target that reads the first connection's
// request and closes it unanswered, as a connection dropped by the network
// or an idle connection closed by the server is; later connections pass.
type dropFirst struct {
	ln      net.Listener
	target  string
	conns   atomic.Int64
	dropped atomic.Int64
	wg      sync.WaitGroup
	mu      sync.Mutex
	open    []net.Conn // closed at the end: clients keep idle connections
}

func newDropFirst(t *testing.T, target string) *dropFirst {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dropFirst{ln: ln, target: target}
	p.wg.Go(p.serve)
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, c := range p.open {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *dropFirst) url() string { return "http://" + p.ln.Addr().String() }

func (p *dropFirst) serve() {
	for {
		conn, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.conns.Add(1) == 1 {
			_, _ = conn.Read(make([]byte, 4096)) // the request's first bytes, then nothing
			p.dropped.Add(1)
			conn.Close()
			continue
		}
		p.mu.Lock()
		p.open = append(p.open, conn)
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(conn) })
	}
}

func (p *dropFirst) pipe(conn net.Conn) {
	defer conn.Close()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{})
	go func() { _, _ = io.Copy(up, conn); up.Close(); close(done) }()
	_, _ = io.Copy(conn, up)
	conn.Close()
	<-done
}

// A function of the local stack builds its SDK clients as on AWS, with the
// SDK's default retryer: a DynamoDB connection dropped mid-request is retried
// on a new one and the request succeeds. With the emulator's clients of old
// (one attempt) it answered 500.
func TestFunctionRetriesADroppedConnection(t *testing.T) {
	t.Parallel()
	// kumo's state is process-wide: the proxy can front a server of its own
	// and reach the tables of the stack started next.
	k := emulator.NewKumo()
	t.Cleanup(k.Close)
	kumo, err := url.Parse(k.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newDropFirst(t, kumo.Host)
	c := startStackWith(t, local.Options{Environment: map[string]map[string]string{
		"getPost": {"AWS_ENDPOINT_URL_DYNAMODB": proxy.url()},
	}})

	// A post that does not exist: answering 404 takes a successful GetItem.
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	c.do("GET", "/api/posts/"+id.String(), "", nil).want(t, http.StatusNotFound, "POST_NOT_FOUND")
	if proxy.dropped.Load() != 1 || proxy.conns.Load() < 2 {
		t.Errorf("proxy: %d connections, %d dropped; want the first dropped and a retry on a new one", proxy.conns.Load(), proxy.dropped.Load())
	}
}
