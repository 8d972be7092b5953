package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Every ID is one path segment, escaped exactly once: "a b/c" travels as a%20b%2Fc, never as
// a%2520b%252Fc nor as two segments.
func TestPathSegmentsAreEscapedOnce(t *testing.T) {
	var mu sync.Mutex
	var seen []string // RequestURI and URL.EscapedPath as the server parsed them
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.RequestURI, r.URL.EscapedPath())
		mu.Unlock()
		if r.URL.Query().Has("take") {
			_, _ = w.Write([]byte(`[]`))
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()

	ctx := context.Background()
	cases := []struct {
		name    string
		baseURL string
		send    func(c *Client) error
		wantURI string
	}{
		{"sub-organization", srv.URL, func(c *Client) error {
			_, err := c.GetSubOrg(ctx, "x", "a b/c")
			return err
		}, "/orgs/x/orgs/a%20b%2Fc"},
		{"join", srv.URL, func(c *Client) error {
			_, err := c.JoinSubOrg(ctx, "x", "a b/c", OrgRoleStaff)
			return err
		}, "/orgs/x/orgs/a%20b%2Fc/join"},
		{"invite link", srv.URL, func(c *Client) error {
			_, err := c.GetInviteLink(ctx, "o r/g", "i?d#1")
			return err
		}, "/orgs/o%20r%2Fg/link-invites/i%3Fd%231"},
		{"member", srv.URL, func(c *Client) error {
			_, err := c.GetMember(ctx, "x", "a b/c")
			return err
		}, "/orgs/x/members/a%20b%2Fc"},
		{"listing with a query", srv.URL, func(c *Client) error {
			_, err := c.ListSubOrgs(ctx, "a b/c")
			return err
		}, "/orgs/a%20b%2Fc/orgs?page=1&take=100"},
		{"base URL with a slash", srv.URL + "/", func(c *Client) error {
			_, err := c.GetSubOrg(ctx, "x", "a b/c")
			return err
		}, "/orgs/x/orgs/a%20b%2Fc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			seen = nil
			mu.Unlock()
			c, _ := newTestClient(t, tc.baseURL)
			if err := tc.send(c); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			wantPath, _, _ := strings.Cut(tc.wantURI, "?")
			if len(seen) != 2 || seen[0] != tc.wantURI || seen[1] != wantPath {
				t.Errorf("server saw RequestURI, escaped path = %q; want %q, %q", seen, tc.wantURI, wantPath)
			}
		})
	}
}
