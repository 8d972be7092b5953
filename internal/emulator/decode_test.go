package emulator

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// The fuzz targets drive the request decoders directly. Whatever they accept must survive a trip
// through the client's request types: re-encoded, it decodes to the same thing. The seed corpus
// runs with every `go test`.

func FuzzDecodeCreateInviteLink(f *testing.F) {
	for _, seed := range []string{
		`{"role":"read"}`, `{"role":null}`, `{"role":"admin"}`,
		`{"level":"edit","space":"spc_handbook"}`, `{"level":null,"collection":"col_guides"}`,
		`{}`, `{"role":"guest"}`, `{"role":"read","level":"read"}`, `{"level":"read"}`,
		`{"level":"read","space":"a","collection":"b"}`, `{"role":"read","x":1}`, `{"level":"read","space":""}`,
		`[]`, `null`, `"role"`, `{"role":`, ``, `{"role":"read"}{}`, `{"role":1e400}`, `{"role":"\u0000"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		spec, err := decodeCreateInviteLink(body)
		if err != nil {
			if apiErr := (*apiError)(nil); !errors.As(err, &apiErr) || apiErr.status != 400 {
				t.Fatalf("error %v is not a 400", err)
			}
			return
		}
		if !spec.role.Valid() {
			t.Fatalf("accepted role %q", spec.role)
		}
		var space, collection string
		switch spec.kind {
		case client.InviteLinkKindSpace:
			space = spec.targetID
		case client.InviteLinkKindCollection:
			collection = spec.targetID
		}
		again, err := json.Marshal(client.NewInviteLinkRequest(spec.role, space, collection))
		if err != nil {
			t.Fatal(err)
		}
		respec, err := decodeCreateInviteLink(again)
		if err != nil || respec != spec {
			t.Fatalf("%s was accepted as %+v, but its re-encoding %s decodes to %+v, %v", body, spec, again, respec, err)
		}
	})
}

func FuzzDecodeEmailInvite(f *testing.F) {
	for _, seed := range []string{
		`{"emails":["a@example.com"]}`,
		`{"emails":["a@example.com",{"email":"b@example.com","role":null}],"role":"edit","sso":true}`,
		`{"emails":[{"email":"c@example.com"}],"role":null}`,
		`{"emails":[]}`, `{"emails":null}`, `{"emails":["nope"]}`, `{"emails":["A <a@b.io>"]}`,
		`{"emails":[1]}`, `{"emails":[{"role":"read"}]}`, `{"emails":["a@b.io"],"sso":null}`,
		`{"emails":["a@b.io"],"role":"guest"}`, `{"emails":["a@b.io"],"x":1}`, `{}`, `[]`, ``,
		`{"emails":[{"email":"a@b.io","role":"read","x":0}]}`, `{"emails":["\"q\"@b.io"]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		spec, err := decodeEmailInvite(body)
		if err != nil {
			if apiErr := (*apiError)(nil); !errors.As(err, &apiErr) || apiErr.status != 400 {
				t.Fatalf("error %v is not a 400", err)
			}
			return
		}
		if len(spec.entries) == 0 {
			t.Fatal("accepted an empty list")
		}
		req := client.InviteRequest{SSO: spec.sso}
		if spec.defaultRole != "" {
			role := spec.defaultRole
			req.Role = &role
		}
		for _, e := range spec.entries {
			if !validEmail(e.email) || (e.role != "" && !e.role.Valid()) {
				t.Fatalf("accepted entry %+v", e)
			}
			req.Emails = append(req.Emails, client.InviteEmail{Email: e.email, Role: e.role})
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		respec, err := decodeEmailInvite(again)
		if err != nil || !reflect.DeepEqual(respec, spec) {
			t.Fatalf("%s was accepted as %+v, but its re-encoding %s decodes to %+v, %v", body, spec, again, respec, err)
		}
	})
}

func TestValidEmail(t *testing.T) {
	for address, want := range map[string]bool{
		"a@example.com": true, "first.last+tag@sub.example.org": true,
		"": false, "a": false, "a@": false, "@b.io": false, "A <a@b.io>": false, "<a@b.io>": false,
		"a@b.io, c@d.io": false, " a@b.io": false, "a@b.io ": false,
	} {
		if got := validEmail(address); got != want {
			t.Errorf("validEmail(%q) = %v, want %v", address, got, want)
		}
	}
}

func TestPageTokens(t *testing.T) {
	for _, seq := range []int64{0, 1, 42, 1 << 40} {
		got, err := decodePageToken(encodePageToken(seq))
		if err != nil || got != seq {
			t.Errorf("token of %d decodes to %d, %v", seq, got, err)
		}
	}
	for _, bad := range []string{"x", "YWZ0ZXI6", "YWZ0ZXI6LTE", strings.Repeat("A", 10)} {
		if _, err := decodePageToken(bad); err == nil {
			t.Errorf("token %q accepted", bad)
		}
	}
}

func TestBase62IDsSortInCreationOrder(t *testing.T) {
	prev := ""
	for _, n := range []int64{1, 9, 10, 35, 36, 61, 62, 63, 3843, 3844, 238327, 238328} {
		id := base62(n, 6)
		if len(id) != 6 || id <= prev {
			t.Errorf("base62(%d) = %q after %q", n, id, prev)
		}
		prev = id
	}
}
