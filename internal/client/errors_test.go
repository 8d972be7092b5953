package client

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeAPIError(t *testing.T) {
	cases := []struct {
		body        string
		status      int
		wantMessage string
		wantCode    int
	}{
		{`{"error":{"code":404,"message":"Sub-organization not found"}}`, 404, "Sub-organization not found", 404},
		{`{"error":{"message":"no code"}}`, 400, "no code", 400},
		{`<html>Bad gateway</html>`, 502, "<html>Bad gateway</html>", 502},
		{"", 503, "Service Unavailable", 503},
		{"  \n", 599, "no message", 599},
		{`{"error":{"code":409}}`, 409, `{"error":{"code":409}}`, 409},
	}
	for _, tc := range cases {
		err := decodeAPIError("GET", "/x", tc.status, []byte(tc.body))
		if err.Message != tc.wantMessage || err.Code != tc.wantCode || err.StatusCode != tc.status {
			t.Errorf("body %q: got %+v", tc.body, err)
		}
	}
}

func TestErrorHelpers(t *testing.T) {
	helpers := map[int]func(error) bool{
		400: IsBadRequest, 401: IsUnauthorized, 403: IsForbidden, 404: IsNotFound, 409: IsConflict, 429: IsRateLimited,
	}
	for status, is := range helpers {
		wrapped := fmt.Errorf("context: %w", decodeAPIError("GET", "/x", status, nil))
		if !is(wrapped) {
			t.Errorf("helper for %d does not match a wrapped %d", status, status)
		}
		if is(decodeAPIError("GET", "/x", 500, nil)) || is(errors.New("plain")) {
			t.Errorf("helper for %d matches something else", status)
		}
	}
}

// FuzzDecodeAPIError: any error answer decodes without panicking into an error that names the
// request and keeps a bounded, non-empty message.
func FuzzDecodeAPIError(f *testing.F) {
	f.Add(400, []byte(`{"error":{"code":400,"message":"role must be one of ADMIN"}}`))
	f.Add(404, []byte(`{"error":null}`))
	f.Add(500, []byte(`not json`))
	f.Add(429, []byte(`{"error":{"code":"429","message":5}}`))
	f.Add(502, []byte{0xff, 0xfe})
	f.Add(401, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := decodeAPIError("POST", "/orgs/c/link-invites", status, body)
		if err.Message == "" {
			t.Fatalf("empty message for %q", body)
		}
		if !strings.Contains(err.Error(), "POST /orgs/c/link-invites") {
			t.Fatalf("error does not name the request: %v", err)
		}
		if err.StatusCode != status {
			t.Fatalf("status %d became %d", status, err.StatusCode)
		}
	})
}
