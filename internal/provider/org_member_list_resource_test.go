package provider

import (
	"fmt"
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

const (
	orgMemberType = "invent_org_member"
	membersRoute  = "GET /orgs/{org_id}/members"
)

// The default fixture's parent organization has three members: Ada and Olivia (admin) and Max (read).
func TestProtocolListOrgMembers(t *testing.T) {
	e := newProtoEnv(t, protoOptions{})
	results := e.listed(orgMemberType, listBlock{config: map[string]any{"org_id": "c"}})
	want := []protoResult{
		{DisplayName: "ada@acme.example", Identity: map[string]any{"org_id": emulator.DefaultParentOrgID, "user_id": emulator.DefaultAdminUserID}},
		{DisplayName: "max@acme.example", Identity: map[string]any{"org_id": emulator.DefaultParentOrgID, "user_id": emulator.DefaultMemberUserID}},
		{DisplayName: "olivia@acme.example", Identity: map[string]any{"org_id": emulator.DefaultParentOrgID, "user_id": emulator.DefaultOwnerUserID}},
	}
	if !reflect.DeepEqual(results, want) {
		t.Errorf("results\n%+v\nwant\n%+v", results, want)
	}

	// The API's own filters.
	for _, tc := range []struct {
		filter map[string]any
		want   []string
	}{
		{map[string]any{"role": "admin"}, []string{emulator.DefaultAdminUserID, emulator.DefaultOwnerUserID}},
		{map[string]any{"search": "MAX@"}, []string{emulator.DefaultMemberUserID}},
		{map[string]any{"role": "admin", "search": "olivia"}, []string{emulator.DefaultOwnerUserID}},
		{map[string]any{"role": "guest"}, []string{}},
		{map[string]any{"search": "nobody-is-called-this"}, []string{}},
	} {
		config := map[string]any{"org_id": "c"}
		for k, v := range tc.filter {
			config[k] = v
		}
		e.emu.ResetStats()
		if got := identityIDs(e.listed(orgMemberType, listBlock{config: config}), "user_id"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: %v, want %v", tc.filter, got, tc.want)
		}
		if got := e.emu.Stats().ByRoute[membersRoute]; got != 1 {
			t.Errorf("%v: %d requests to the listing, want 1 (the API filters)", tc.filter, got)
		}
	}
	if diags := e.validateList(orgMemberType, map[string]any{"org_id": "c", "role": "owner"}); !messageRegexp(contentRoleError("owner")).MatchString(diagnosticsText(diags)) {
		t.Errorf("role owner validated to %s", diagnosticsText(diags))
	}
}

func TestProtocolListOrgMembers_includeResource(t *testing.T) {
	e := newProtoEnv(t, protoOptions{})
	if _, err := e.admin.InviteByEmail(t.Context(), emulator.DefaultParentOrgID, client.InviteRequest{
		Emails: []client.InviteEmail{{Email: "New.Person@Example.org", Role: client.RoleComment}},
	}); err != nil {
		t.Fatal(err)
	}
	results := e.listed(orgMemberType, listBlock{config: map[string]any{"org_id": "c"}, includeResource: true})
	if len(results) != 4 {
		t.Fatalf("%d results, want 4", len(results))
	}
	invited := results[3].Resource
	if invited["org_id"] != emulator.DefaultParentOrgID || invited["email"] != "New.Person@Example.org" || invited["role"] != "comment" ||
		invited["status"] != client.MemberStatusInvited || invited["sso"] != false || invited["timeouts"] != nil ||
		invited["id"] != fmt.Sprintf("%s/%s", emulator.DefaultParentOrgID, invited["user_id"]) {
		t.Errorf("invited member: %v", invited)
	}
	for _, r := range results {
		e.expectAdoptable(orgMemberType, r)
	}
}

// The emulator answers pages of 2 here: 8 members are 4 pages.
func TestProtocolListOrgMembers_limit(t *testing.T) {
	e := newProtoEnv(t, protoOptions{interpose: smallPages(2)})
	inviteMembers(t, e, 5)
	for _, tc := range []struct {
		limit                 int64
		results, pagesFetched int64
	}{
		{limit: 2, results: 2, pagesFetched: 1},
		{limit: 3, results: 3, pagesFetched: 2},
		{limit: 0, results: 8, pagesFetched: 4},
		{limit: 100, results: 8, pagesFetched: 4},
	} {
		e.emu.ResetStats()
		results := e.listed(orgMemberType, listBlock{config: map[string]any{"org_id": "c"}, limit: tc.limit})
		if int64(len(results)) != tc.results {
			t.Errorf("limit %d: %d results, want %d", tc.limit, len(results), tc.results)
		}
		if got := e.emu.Stats().ByRoute[membersRoute]; got != tc.pagesFetched {
			t.Errorf("limit %d: %d pages fetched, want %d", tc.limit, got, tc.pagesFetched)
		}
	}
}

func TestProtocolListOrgMembers_errorMidStream(t *testing.T) {
	var failed, laterPages atomic.Int64
	pageAfterSecond := func(r *http.Request) bool {
		if r.URL.Path != "/orgs/"+emulator.DefaultParentOrgID+"/members" || !r.URL.Query().Has("page") {
			return false
		}
		return laterPages.Add(1) > 1
	}
	e := newProtoEnv(t, protoOptions{interpose: chain(smallPages(2), failRequests(pageAfterSecond, http.StatusForbidden, &failed))})
	inviteMembers(t, e, 3)
	results := e.list(orgMemberType, listBlock{config: map[string]any{"org_id": "c", "search": "example"}})
	expectErrorAfter(t, results, 4, `Cannot list the members of organization "org_acme"`, "injected 403",
		"The token's user lacks the permission")
}

// inviteMembers invites n addresses person-1@example.org... to the parent organization.
func inviteMembers(t *testing.T, e *protoEnv, n int) {
	t.Helper()
	emails := make([]client.InviteEmail, n)
	for i := range emails {
		emails[i] = client.InviteEmail{Email: fmt.Sprintf("person-%d@example.org", i+1)}
	}
	if _, err := e.admin.InviteByEmail(t.Context(), emulator.DefaultParentOrgID, client.InviteRequest{Emails: emails}); err != nil {
		t.Fatal(err)
	}
}
