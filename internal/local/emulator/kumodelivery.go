package emulator

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/eventboard/eventboard/internal/local/portguard"
)

// kumo's EventBridge delivers to SQS (and Lambda) targets over HTTP, to
// http://$KUMO_HOST:$KUMO_PORT, or to http://localhost:4566 when neither is
// set. It reads both once, in its package init, so a process that runs kumo
// in-process must be started with them pointing at a port the process
// serves (ServeKumoDelivery). The usual way is to re-execute the program with
// them set, first thing in main or TestMain:
//
//	env, err := emulator.KumoDeliveryEnv()
//	if err == nil {
//		err = emulator.Reexec(env) // returns only on failure, or when env changes nothing
//	}
//
// and then, once per process, before events are put:
//
//	err := emulator.KumoDelivery()
//
// Any test package whose tests need events to flow from EventBridge to SQS
// does this in its TestMain.
const (
	kumoHostVar = "KUMO_HOST"
	kumoPortVar = "KUMO_PORT"
	// deliveryHost is the only interface the delivery port listens on.
	deliveryHost = "127.0.0.1"
)

// KumoDeliveryEnv returns the variables kumo must find when the process
// starts for its EventBridge deliveries to reach this process:
// KUMO_HOST=127.0.0.1 and KUMO_PORT=a port free now. It returns an empty map
// when KUMO_PORT is already set: the process was started with them, and
// changing them now would change nothing. The port is free when chosen, not
// reserved: ServeKumoDelivery fails if something else takes it meanwhile.
func KumoDeliveryEnv() (map[string]string, error) {
	if os.Getenv(kumoPortVar) != "" {
		return map[string]string{}, nil
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(deliveryHost, "0"))
	if err != nil {
		return nil, fmt.Errorf("emulator.KumoDeliveryEnv: pick a port: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return nil, fmt.Errorf("emulator.KumoDeliveryEnv: %w", err)
	}
	return map[string]string{kumoHostVar: deliveryHost, kumoPortVar: fmt.Sprint(port)}, nil
}

// Reexec replaces the running program with a fresh start of the same
// executable, arguments and environment, plus env (earlier entries of the
// same names are dropped: Go's os.Getenv reads the first of duplicates). It
// does nothing and returns nil when every variable of env already has its
// value, so the program continues; otherwise it returns only on failure.
// Callers gather everything that must be set at start (kumo's KUMO_DATA_DIR
// as well as KumoDeliveryEnv) into one env, so the program restarts once.
func Reexec(env map[string]string) error {
	changed := false
	for k, v := range env {
		if got, ok := os.LookupEnv(k); !ok || got != v {
			changed = true
		}
	}
	if !changed {
		return nil
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("emulator.Reexec: %w", err)
	}
	if err := syscall.Exec(self, os.Args, withEnv(os.Environ(), env)); err != nil {
		return fmt.Errorf("emulator.Reexec %s: %w", self, err)
	}
	return nil // not reached
}

// withEnv returns environ without any entry of the names in env, followed by
// env's entries in name order.
func withEnv(environ []string, env map[string]string) []string {
	out := slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		_, replaced := env[name]
		return replaced
	})
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, k+"="+env[k])
	}
	return out
}

// ServeKumoDelivery serves kumo on 127.0.0.1:$KUMO_PORT, so kumo's
// EventBridge deliveries reach the in-process kumo. The process must have
// started with KumoDeliveryEnv's variables; KUMO_HOST, when set, must be a
// loopback address. Only one delivery server can run per process; kumo's
// state is process-wide, so it serves the state of every Kumo of the
// process. The returned func stops it.
func ServeKumoDelivery() (stop func(), err error) {
	port := os.Getenv(kumoPortVar)
	if port == "" {
		return nil, errors.New("emulator.ServeKumoDelivery: KUMO_PORT is not set: start the process with KumoDeliveryEnv's variables (see Reexec), or kumo's EventBridge delivers nothing")
	}
	if host := os.Getenv(kumoHostVar); host != "" && !isLoopback(host) {
		return nil, fmt.Errorf("emulator.ServeKumoDelivery: KUMO_HOST is %q: want a loopback address", host)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(deliveryHost, port))
	if err != nil {
		return nil, fmt.Errorf("emulator.ServeKumoDelivery: KUMO_PORT %s: %w", port, err)
	}
	kumoStart.Lock()
	hs := portguard.Server(portguard.AWSAPI(kumoHandler(), kumoSQSDelivery))
	kumoStart.Unlock()
	go func() { _ = hs.Serve(ln) }()
	return func() { _ = hs.Close() }, nil
}

// kumoSQSDelivery recognises kumo's EventBridge delivery to an SQS
// target: unlike its other internal calls it sends no Authorization
// header, only X-Amz-Target: AmazonSQS.SendMessage. A page cannot send that
// header cross-site either (it is not CORS-safelisted, and the port answers
// no preflight), so the delivery port takes it unsigned; every other
// operation needs a SigV4-shaped header.
func kumoSQSDelivery(r *http.Request) bool {
	return r.Method == http.MethodPost && r.Header.Get("X-Amz-Target") == "AmazonSQS.SendMessage"
}

// KumoDelivery makes kumo's EventBridge deliveries reach this process, for
// as long as it runs: the first call serves 127.0.0.1:$KUMO_PORT
// (ServeKumoDelivery). kumo's state is
// process-wide, so deliveries land in the queues every Kumo of the
// process serves, and no stack's Close can break delivery for the others.
// Later calls return the first call's error. Safe for concurrent use.
func KumoDelivery() error { return kumoDelivery() }

var kumoDelivery = sync.OnceValue(func() error {
	_, err := ServeKumoDelivery()
	return err
})

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
