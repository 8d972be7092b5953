package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxErrorBody bounds how much of an error answer is read: enough for any message the API writes,
// small enough that a misbehaving proxy cannot make the client hold a page of HTML.
const maxErrorBody = 4 << 10

// Quoting limits: an error shows the API's own message up to maxMessageRunes, and of an answer that
// is not the API's error body only its first maxForeignRunes, on one line, since such a body (a
// proxy's HTML page) says little beyond its first words and would bury the diagnostic.
const (
	maxMessageRunes = 500
	maxForeignRunes = 120
)

// APIError is a non-2xx answer. Message is the API's own text when it sent the documented JSON error
// body (FromAPI), else a short prefix of the body, else the status text.
type APIError struct {
	StatusCode int
	Code       int
	Message    string
	Method     string
	Path       string
	// FromAPI is true when the answer carried the API's documented error body,
	// {"error": {"code", "message"}}; a proxy, a load balancer or a server that is not the API
	// answers otherwise.
	FromAPI bool
}

func (e *APIError) Error() string {
	return fmt.Sprintf("invent API %s %s: %d %s: %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// decodeAPIError turns an error answer's status and body into an APIError. It never fails: a body
// that is not the documented JSON shape becomes a short quote of itself.
func decodeAPIError(method, path string, status int, body []byte) *APIError {
	apiErr := &APIError{StatusCode: status, Code: status, Method: method, Path: path}
	var parsed ErrorBody
	if err := json.Unmarshal(body, &parsed); err == nil && parsed.Error.Message != "" {
		apiErr.Message = truncateRunes(parsed.Error.Message, maxMessageRunes)
		apiErr.FromAPI = true
		if parsed.Error.Code != 0 {
			apiErr.Code = parsed.Error.Code
		}
		return apiErr
	}
	if text := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "\uFFFD")), " "); text != "" {
		apiErr.Message = fmt.Sprintf("an answer that is not the API's error body (%d bytes): %q",
			len(body), truncateRunes(text, maxForeignRunes))
		return apiErr
	}
	apiErr.Message = http.StatusText(status)
	if apiErr.Message == "" {
		apiErr.Message = "no message"
	}
	return apiErr
}

// truncateRunes cuts s to at most n runes, marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// TransportError is a request that got no answer: the connection failed, broke or timed out.
type TransportError struct {
	Method, Path string
	// Sent is false when the failure proves the request never reached the server (the connection
	// could not be made); otherwise the server may have received it and acted on it.
	Sent bool
	Err  error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// UnreadableAnswerError is a 2xx answer whose body could not be read or decoded: the API accepted the
// request, and may well have acted on it, but the client cannot tell what it made.
type UnreadableAnswerError struct {
	Method, Path string
	StatusCode   int
	Err          error
}

func (e *UnreadableAnswerError) Error() string {
	return fmt.Sprintf("invent API %s %s: %d %s, but the answer cannot be read: %v",
		e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode), e.Err)
}

func (e *UnreadableAnswerError) Unwrap() error { return e.Err }

// UnexpectedStatusError is a 2xx answer that the endpoint never gives, such as 200 to a DELETE that
// the API answers 204 or 205: it cannot be told apart from a server that is not the API, so the
// client does not take it as the API's success.
type UnexpectedStatusError struct {
	Method, Path string
	StatusCode   int
	Want         []int
}

func (e *UnexpectedStatusError) Error() string {
	want := make([]string, len(e.Want))
	for i, s := range e.Want {
		want[i] = fmt.Sprintf("%d %s", s, http.StatusText(s))
	}
	return fmt.Sprintf("invent API %s %s: %d %s, which the API never answers here (it answers %s): "+
		"the base URL may not lead to the Invent API", e.Method, e.Path, e.StatusCode,
		http.StatusText(e.StatusCode), strings.Join(want, " or "))
}

func hasStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// IsNotFound reports whether err is a 404 answer, from the API or from anything else at the base URL.
// Only IsMissing says that the API reported an object missing.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsMissing reports whether err is a 404 in the API's own error format: the API saying that what the
// path names does not exist. A 404 page of a proxy or of another server is not. The API answers an
// unknown route in the same format, so a caller that removes anything on IsMissing must also know
// that the base URL speaks the API (the provider checks GET /users/me) and that the route exists.
func IsMissing(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.FromAPI
}

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsForbidden reports whether err is a 403 answer.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsUnauthorized reports whether err is a 401 answer.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsBadRequest reports whether err is a 400 answer.
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsRateLimited reports whether err is a 429 answer that outlasted the retries.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// MayHaveActed reports whether the request that failed with err may still have taken effect: a
// server error other than 503 (which the API answers before acting), a connection that broke or timed
// out after the request was sent, or a success whose answer could not be read. A create that failed
// so must not be taken as not made: the object may exist without the caller knowing its ID.
func MayHaveActed(err error) bool {
	var (
		apiErr     *APIError
		transport  *TransportError
		unreadable *UnreadableAnswerError
	)
	switch {
	case errors.As(err, &unreadable):
		return true
	case errors.As(err, &transport):
		return transport.Sent
	case errors.As(err, &apiErr):
		return apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusServiceUnavailable
	}
	return false
}

// acceptStatus checks a 2xx status against the ones an endpoint answers (none listed: any 2xx).
func acceptStatus(req request, status int) error {
	if len(req.accept) == 0 || slices.Contains(req.accept, status) {
		return nil
	}
	return &UnexpectedStatusError{Method: req.method, Path: req.hideSecret(req.path), StatusCode: status, Want: req.accept}
}
