package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInviteIDFingerprint(t *testing.T) {
	for id, want := range map[string]string{
		"inv_00000G":  "000G",
		"abcdefgh":    "efgh",
		"abcdefg":     "efg", // shorter than 8: half, so never the whole ID
		"ab":          "b",
		"a":           "",
		"":            "",
		"inv_ÄÖÜßéèà": "ßéèà",
	} {
		if got := InviteIDFingerprint(id); got != want {
			t.Errorf("InviteIDFingerprint(%q) = %q, want %q", id, got, want)
		}
	}
	if got := MaskInviteID("inv_00000G"); got != "…000G" {
		t.Errorf("MaskInviteID = %q", got)
	}
}

// Every request on a link's own path (read, update, revoke, join) shows the ID only masked: in the
// request log, in an API error (whose message echoes the ID, as the API's does) and in a transport
// error, whose URL holds the ID escaped.
func TestInviteIDNeverInLogsOrErrors(t *testing.T) {
	const id = "inv_S3cr3t?id" // escaped in the path as inv_S3cr3t%3Fid
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprintf(w, `{"error":{"code":404,"message":"invite link %q not found (%s)"}}`, id, r.URL.EscapedPath())
	}))
	defer srv.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	_ = l.Close()

	ctx := context.Background()
	calls := map[string]func(c *Client) error{
		"get": func(c *Client) error { _, err := c.GetInviteLink(ctx, "org", id); return err },
		"update": func(c *Client) error {
			_, err := c.UpdateInviteLink(ctx, "org", id, UpdateInviteLinkRequest{Role: RoleRead})
			return err
		},
		"delete": func(c *Client) error { _, err := c.DeleteInviteLink(ctx, "org", id); return err },
		"join":   func(c *Client) error { return c.JoinWithInvite(ctx, "org", id) },
	}
	for _, baseURL := range []string{srv.URL, refused} {
		for name, call := range calls {
			c, logs := newTestClient(t, baseURL, func(cfg *Config) { cfg.MaxRetries = 1 })
			err := call(c)
			if err == nil {
				t.Fatalf("%s at %s: want an error", name, baseURL)
			}
			if baseURL == srv.URL && !IsNotFound(err) {
				t.Errorf("%s: the masked error is no longer a 404: %v", name, err)
			}
			var netErr *net.OpError
			if baseURL == refused && !errors.As(err, &netErr) {
				t.Errorf("%s: the masked error no longer wraps the transport's: %v", name, err)
			}
			texts := []string{err.Error()}
			for _, e := range *logs {
				texts = append(texts, fmt.Sprintf("%+v", e))
			}
			for _, text := range texts {
				if strings.Contains(text, "S3cr3t") {
					t.Errorf("%s at %s shows the invite ID: %s", name, baseURL, text)
				}
			}
			if !strings.Contains(err.Error(), MaskInviteID(id)) {
				t.Errorf("%s at %s: the error does not show the fingerprint: %v", name, baseURL, err)
			}
		}
	}
}
