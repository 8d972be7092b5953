package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestDecodeAPIError(t *testing.T) {
	html := "<html>\n  <body>" + strings.Repeat("x", 4000) + "</body>"
	cases := []struct {
		body        string
		status      int
		wantMessage string
		wantCode    int
		wantFromAPI bool
	}{
		{`{"error":{"code":404,"message":"Sub-organization not found"}}`, 404, "Sub-organization not found", 404, true},
		{`{"error":{"message":"no code"}}`, 400, "no code", 400, true},
		{`{"error":{"code":400,"message":"` + strings.Repeat("m", 600) + `"}}`, 400, strings.Repeat("m", 499) + "…", 400, true},
		// A body that is not the API's is quoted, on one line and at most maxForeignRunes long.
		{`<html>Bad gateway</html>`, 502, `an answer that is not the API's error body (24 bytes): "<html>Bad gateway</html>"`, 502, false},
		{html, 500, fmt.Sprintf(`an answer that is not the API's error body (%d bytes): "<html> <body>%s…"`, len(html), strings.Repeat("x", 106)), 500, false},
		{`{"error":{"code":409}}`, 409, `an answer that is not the API's error body (22 bytes): "{\"error\":{\"code\":409}}"`, 409, false},
		{"", 503, "Service Unavailable", 503, false},
		{"  \n", 599, "no message", 599, false},
	}
	for _, tc := range cases {
		err := decodeAPIError("GET", "/x", tc.status, []byte(tc.body))
		if err.Message != tc.wantMessage || err.Code != tc.wantCode || err.StatusCode != tc.status || err.FromAPI != tc.wantFromAPI {
			t.Errorf("body %.40q: got %+v", tc.body, err)
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

// MayHaveActed tells a create's failures after which the object may exist (a server error but 503, a
// connection lost after the request went out, a success whose answer cannot be read) from those after
// which it does not (the API's refusals, a connection never made).
func TestMayHaveActed(t *testing.T) {
	closeAfterReading := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
	answer := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	cases := map[string]struct {
		handler http.HandlerFunc
		want    bool
	}{
		"500 with an HTML body":           {answer(500, "<html>oops</html>"), true},
		"502":                             {answer(502, `{"error":{"code":502,"message":"bad gateway"}}`), true},
		"504":                             {answer(504, ""), true},
		"connection closed after sending": {closeAfterReading, true},
		"201 with an unreadable body":     {answer(201, "<html>created</html>"), true},
		"503 (answered before acting)":    {answer(503, `{"error":{"code":503,"message":"down"}}`), false},
		"400":                             {answer(400, `{"error":{"code":400,"message":"bad role"}}`), false},
		"404":                             {answer(404, `{"error":{"code":404,"message":"no such organization"}}`), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 1 })
			_, err := c.CreateInviteLink(context.Background(), "org", NewInviteLinkRequest(RoleRead, "", ""))
			if err == nil {
				t.Fatal("want an error")
			}
			if got := MayHaveActed(err); got != tc.want {
				t.Errorf("MayHaveActed(%v) = %t, want %t", err, got, tc.want)
			}
		})
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	c, _ := newTestClient(t, "http://"+addr, func(cfg *Config) { cfg.MaxRetries = 0 })
	if _, err := c.CreateInviteLink(context.Background(), "org", NewInviteLinkRequest(RoleRead, "", "")); err == nil || MayHaveActed(err) {
		t.Errorf("a refused connection: err = %v, MayHaveActed true; want an error that did not act", err)
	}
}

// A DELETE counts as done only on the statuses the API answers to it: a 200 from something else at
// the base URL (a captive portal, a proxy's catch-all) is an error, not a revocation.
func TestDeleteAcceptsOnlyTheAPIsStatuses(t *testing.T) {
	var status atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	ctx := context.Background()
	for _, tc := range []struct {
		status int
		ok     bool
	}{{205, true}, {204, true}, {200, false}, {202, false}} {
		status.Store(int32(tc.status))
		_, err := c.DeleteInviteLink(ctx, "org", "inv_1")
		var unexpected *UnexpectedStatusError
		if tc.ok != (err == nil) || (!tc.ok && !errors.As(err, &unexpected)) {
			t.Errorf("link delete answered %d: err = %v", tc.status, err)
		}
	}
	for _, tc := range []struct {
		status int
		ok     bool
	}{{204, true}, {200, false}} {
		status.Store(int32(tc.status))
		if err := c.LeaveSubOrg(ctx, "org", "sub"); tc.ok != (err == nil) {
			t.Errorf("leave answered %d: err = %v", tc.status, err)
		}
	}
	for _, tc := range []struct {
		status int
		want   RemoveResult
	}{{205, MemberRemoved}, {204, MemberNotFound}, {202, RemovalRequested}, {200, 0}} {
		status.Store(int32(tc.status))
		if got, err := c.RemoveMember(ctx, "org", "usr_1"); got != tc.want || (tc.want == 0) != (err != nil) {
			t.Errorf("member removal answered %d: %v, %v", tc.status, got, err)
		}
	}
}
