package cognitolocal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The AWS JSON 1.1 protocol as the Cognito Identity Provider service speaks it.
const (
	targetPrefix    = "AWSCognitoIdentityProviderService."
	contentType     = "application/x-amz-json-1.1"
	maxRequestBytes = 1 << 20
)

// apiError is an error the service reports to the caller: HTTP 400 (500 for
// InternalErrorException) with {"__type": Type, "message": Message}.
type apiError struct {
	Type    string
	Message string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func newError(typ, format string, args ...any) *apiError {
	return &apiError{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// Exception names, as Cognito spells them in __type.
const (
	errCodeMismatch          = "CodeMismatchException"
	errExpiredCode           = "ExpiredCodeException"
	errInternal              = "InternalErrorException"
	errInvalidLambdaResponse = "InvalidLambdaResponseException"
	errInvalidParameter      = "InvalidParameterException"
	errInvalidPassword       = "InvalidPasswordException"
	errNotAuthorized         = "NotAuthorizedException"
	errResourceNotFound      = "ResourceNotFoundException"
	errSerialization         = "SerializationException"
	errUnauthorized          = "UnauthorizedException"
	errUnexpectedLambda      = "UnexpectedLambdaException"
	errUnknownOperation      = "UnknownOperationException"
	errUnsupportedTokenType  = "UnsupportedTokenTypeException"
	errUserLambdaValidation  = "UserLambdaValidationException"
	errUserNotConfirmed      = "UserNotConfirmedException"
	errUserNotFound          = "UserNotFoundException"
	errUsernameExists        = "UsernameExistsException"
)

// Messages Cognito sends, verbatim, where callers may recognise them.
const (
	msgIncorrectCredentials = "Incorrect username or password."
	msgCodeMismatch         = "Invalid verification code provided, please try again."
	msgExpiredCode          = "Invalid code provided, please request a code again."
	msgUserNotFound         = "User does not exist."
	msgInvalidRefreshToken  = "Invalid Refresh Token."
	msgRevokedRefreshToken  = "Refresh Token has been revoked"
	msgExpiredRefreshToken  = "Refresh Token has expired"
	msgInvalidAccessToken   = "Invalid Access Token"
	msgRevokedAccessToken   = "Access Token has been revoked"
	msgExpiredAccessToken   = "Access Token has expired"
)

// missingParameter is the error of a request that lacks a required member,
// in the words of Cognito's request validation.
func missingParameter(member string) *apiError {
	return newError(errInvalidParameter,
		"1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

// operation decodes its request from body and returns the response to encode.
type operation func(s *Server, r *http.Request, body []byte) (any, error)

// ServeHTTP implements http.Handler: it serves every Cognito Identity Provider
// operation the package knows at any path, selected by the X-Amz-Target header.
// Unknown operations are answered with UnknownOperationException.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := uuid.NewString()
	resp, err := s.handle(w, r)
	if err != nil {
		writeError(w, requestID, err)
		return
	}
	body, err := json.Marshal(resp)
	if err != nil {
		writeError(w, requestID, fmt.Errorf("encode response: %w", err))
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("x-amzn-RequestId", requestID)
	_, _ = w.Write(body)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) (any, error) {
	if r.Method != http.MethodPost {
		return nil, newError(errUnknownOperation, "method %s is not supported", r.Method)
	}
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	op := operations[name]
	if !ok || op == nil {
		return nil, newError(errUnknownOperation, "Unknown operation %q", r.Header.Get("X-Amz-Target"))
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != contentType {
		return nil, newError(errSerialization, "Content-Type must be %s", contentType)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		return nil, newError(errSerialization, "cannot read the request body: %v", err)
	}
	return op(s, r, body)
}

// decode reads a request body into req. An empty body is an empty object.
func decode(body []byte, req any) error {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, req); err != nil {
		return newError(errSerialization, "the request body is not a valid request: %v", err)
	}
	return nil
}

// handler adapts a typed operation to the dispatch table.
func handler[Req any](f func(s *Server, r *http.Request, req *Req) (any, error)) operation {
	return func(s *Server, r *http.Request, body []byte) (any, error) {
		req := new(Req)
		if err := decode(body, req); err != nil {
			return nil, err
		}
		return f(s, r, req)
	}
}

func writeError(w http.ResponseWriter, requestID string, err error) {
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		apiErr = &apiError{Type: errInternal, Message: "Internal error: " + err.Error()}
	}
	status := http.StatusBadRequest
	if apiErr.Type == errInternal {
		status = http.StatusInternalServerError
	}
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{apiErr.Type, apiErr.Message})
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("x-amzn-RequestId", requestID)
	w.Header().Set("x-amzn-ErrorType", apiErr.Type)
	w.Header().Set("x-amzn-ErrorMessage", apiErr.Message)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// attributeType is an AttributeType, a user attribute on the wire.
type attributeType struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// codeDeliveryDetails is a CodeDeliveryDetailsType.
type codeDeliveryDetails struct {
	AttributeName  string `json:"AttributeName"`
	DeliveryMedium string `json:"DeliveryMedium"`
	Destination    string `json:"Destination"`
}

// epochSeconds renders a time the way AWS JSON 1.1 does: seconds since the
// epoch as a JSON number, with fractional milliseconds.
type epochSeconds time.Time

func (t epochSeconds) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return fmt.Appendf(nil, "%d.%03d", ms/1000, ms%1000), nil
}
