package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// maxErrorBody bounds how much of an error answer is read and kept: enough for any message the API
// writes, small enough that a misbehaving proxy cannot fill a diagnostic with a page of HTML.
const maxErrorBody = 4 << 10

// APIError is a non-2xx answer of the API. Message is the API's own text when it sent the documented
// JSON error body, else the raw body, else the status text.
type APIError struct {
	StatusCode int
	Code       int
	Message    string
	Method     string
	Path       string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("invent API %s %s: %d %s: %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// decodeAPIError turns an error answer's status and body into an APIError. It never fails: a body
// that is not the documented JSON shape becomes the message as it is.
func decodeAPIError(method, path string, status int, body []byte) *APIError {
	apiErr := &APIError{StatusCode: status, Code: status, Method: method, Path: path}
	var parsed ErrorBody
	if err := json.Unmarshal(body, &parsed); err == nil && parsed.Error.Message != "" {
		apiErr.Message = parsed.Error.Message
		if parsed.Error.Code != 0 {
			apiErr.Code = parsed.Error.Code
		}
		return apiErr
	}
	if text := strings.TrimSpace(string(body)); text != "" {
		apiErr.Message = text
		return apiErr
	}
	apiErr.Message = http.StatusText(status)
	if apiErr.Message == "" {
		apiErr.Message = "no message"
	}
	return apiErr
}

func hasStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

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
