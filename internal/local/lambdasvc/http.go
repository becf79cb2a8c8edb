package lambdasvc

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/eventboard/eventboard/internal/local/portguard"
)

// MaxPayload is Lambda's limit on a synchronous invocation's request
// (6 MB).
const MaxPayload = 6 << 20

// InvokeAPI serves the Lambda Invoke API,
// POST /2015-03-31/functions/{name}/invocations, for the invocation types
// RequestResponse (the default), Event (answered 202 at once, run in the
// background) and DryRun. As on AWS, a function error is a 200 with
// X-Amz-Function-Error: Unhandled and the error as the payload; an unknown
// function is ResourceNotFoundException. Failures are logged to log.
func (s *Service) InvokeAPI(log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", func(w http.ResponseWriter, r *http.Request) {
		name, ok := s.FunctionName(r.PathValue("name"))
		if !ok {
			apiError(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+r.PathValue("name"))
			return
		}
		// A declared length over the limit is refused before reading; a
		// streamed body as soon as it passes it.
		payload, release, err := portguard.ReadBody(r, MaxPayload)
		if errors.Is(err, portguard.ErrTooLarge) {
			tooLarge(w)
			return
		}
		if err != nil {
			apiError(w, http.StatusBadRequest, "InvalidRequestContentException", "Could not read the request body")
			return
		}
		defer release()
		if len(payload) == 0 {
			payload = []byte("{}")
		}
		if !json.Valid(payload) {
			apiError(w, http.StatusBadRequest, "InvalidRequestContentException", "Could not parse request body into json")
			return
		}
		switch t := r.Header.Get("X-Amz-Invocation-Type"); t {
		case "", "RequestResponse":
		case "Event":
			go func() {
				if _, err := s.Invoke(context.WithoutCancel(r.Context()), name, payload); err != nil {
					log.Error("asynchronous invocation failed", "function", name, "error", err)
				}
			}()
			w.WriteHeader(http.StatusAccepted)
			return
		case "DryRun":
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			apiError(w, http.StatusBadRequest, "InvalidParameterValueException", "Unsupported invocation type "+t)
			return
		}
		out, err := s.Invoke(r.Context(), name, payload)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amz-Executed-Version", "$LATEST")
		if err != nil {
			log.Warn("invocation failed", "function", name, "error", err)
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			errType := "Error"
			if strings.Contains(err.Error(), "panicked") {
				errType = "Runtime.ExitError"
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"errorMessage": err.Error(), "errorType": errType})
			return
		}
		_, _ = w.Write(out)
	})
	return mux
}

func tooLarge(w http.ResponseWriter) {
	apiError(w, http.StatusRequestEntityTooLarge, "RequestTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation")
}

// apiError answers as the Lambda API does: the error type in
// X-Amzn-ErrorType (which the SDK reads) and a JSON body.
func apiError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": msg})
}

// StatusHandler serves Snapshot as JSON (GET /local/functions).
func (s *Service) StatusHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s.Snapshot())
	})
}
