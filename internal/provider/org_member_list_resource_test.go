package provider

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

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
	inviteMembers(t, e.admin, emulator.DefaultParentOrgID, personEmails(5)...)
	e.expectLimits(orgMemberType, membersRoute, map[string]any{"org_id": "c"}, []limitCase{
		{limit: 2, results: 2, pagesFetched: 1},
		{limit: 3, results: 3, pagesFetched: 2},
		{limit: 0, results: 8, pagesFetched: 4},
		{limit: 100, results: 8, pagesFetched: 4},
	})
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
	inviteMembers(t, e.admin, emulator.DefaultParentOrgID, personEmails(3)...)
	results := e.list(orgMemberType, listBlock{config: map[string]any{"org_id": "c", "search": "example"}})
	expectErrorAfter(t, results, 4, `Cannot list the members of organization "org_acme"`, "injected 403",
		"The token's user lacks the permission")
}

// personEmails is n addresses, person-1@example.org and on.
func personEmails(n int) []string {
	emails := make([]string, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("person-%d@example.org", i+1)
	}
	return emails
}

// TestAccOrgMemberList_query runs `terraform query` with the real CLI; CLIs older than Terraform
// 1.14 skip it, saying why.
func TestAccOrgMemberList_query(t *testing.T) {
	env := newIsolatedTestEnv(t)
	env.memberJoins(t)
	email := env.newAddress()
	newPerson := queryfilter.ByDisplayName(knownvalue.StringExact(email))
	org := knownvalue.StringExact(env.OrgID)
	members := memberIDs(t, env)
	admins, err := env.Admin.ListMembers(testContext(t), env.OrgID, client.MemberFilter{Role: client.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, email, "comment")),
			},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "invent_org_member" "all" {
  provider         = invent
  include_resource = true

  config {
    org_id = %[1]q
  }
}

list "invent_org_member" "admins" {
  provider = invent

  config {
    org_id = %[1]q
    role   = "admin"
  }
}

list "invent_org_member" "search" {
  provider = invent

  config {
    org_id = %[1]q
    search = %[2]q
  }
}

list "invent_org_member" "first_two" {
  provider = invent
  limit    = 2

  config {
    org_id = %[1]q
  }
}
`, env.OrgID, strings.ToUpper(email)),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("invent_org_member.all", len(members)+1),
					querycheck.ExpectIdentity("invent_org_member.all", map[string]knownvalue.Check{
						"org_id": org, "user_id": knownvalue.StringExact(env.AdminUserID),
					}),
					querycheck.ExpectResourceDisplayName("invent_org_member.all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
						"org_id": org, "user_id": knownvalue.StringExact(env.MemberUserID),
					}), knownvalue.StringExact(env.MemberEmail)),
					querycheck.ExpectResourceKnownValues("invent_org_member.all", newPerson, []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("org_id"), KnownValue: org},
						{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("comment")},
						{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact(client.MemberStatusInvited)},
						{Path: tfjsonpath.New("sso"), KnownValue: knownvalue.Bool(false)},
					}),
					querycheck.ExpectLength("invent_org_member.admins", len(admins)),
					querycheck.ExpectLength("invent_org_member.search", 1),
					querycheck.ExpectLength("invent_org_member.first_two", 2),
				},
			},
		},
	})
}
