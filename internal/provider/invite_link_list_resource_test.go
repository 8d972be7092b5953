package provider

import (
	"fmt"
	"net/http"
	"reflect"
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
	inviteLinkType   = "invent_invite_link"
	inviteLinksRoute = "GET /orgs/{org_id}/link-invites"
)

// createLinks creates an organization-wide link of each role in turn, and returns their IDs.
func createLinks(t *testing.T, e *protoEnv, roles ...client.ContentRole) []string {
	t.Helper()
	ids := make([]string, len(roles))
	for i, role := range roles {
		link, err := e.admin.CreateInviteLink(t.Context(), emulator.DefaultParentOrgID, client.NewInviteLinkRequest(role, "", ""))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = link.ID
	}
	return ids
}

func TestProtocolListInviteLinks(t *testing.T) {
	e := newProtoEnv(t, protoOptions{emulator: emulator.Options{Fixture: protoFixture(0)}})
	ids := createLinks(t, e, client.RoleRead, client.RoleGuest, client.RoleRead)
	// A space link is not in the API's listing.
	if _, err := e.admin.CreateInviteLink(t.Context(), emulator.DefaultParentOrgID,
		client.NewInviteLinkRequest(client.RoleEdit, emulator.DefaultSpaceID, "")); err != nil {
		t.Fatal(err)
	}

	results := e.listed(inviteLinkType, listBlock{config: map[string]any{"org_id": "c"}})
	var want []protoResult
	for i, name := range []string{"read link to the organization", "guest link to the organization", "read link to the organization"} {
		want = append(want, protoResult{DisplayName: name, Identity: map[string]any{"org_id": emulator.DefaultParentOrgID, "invite_id": ids[i]}})
	}
	if !reflect.DeepEqual(results, want) {
		t.Errorf("results\n%+v\nwant\n%+v", results, want)
	}

	for role, wantIDs := range map[client.ContentRole][]string{
		client.RoleGuest: {ids[1]},
		client.RoleRead:  {ids[0], ids[2]},
		client.RoleAdmin: {},
	} {
		got := identityIDs(e.listed(inviteLinkType, listBlock{config: map[string]any{"org_id": "c", "role": string(role)}}), "invite_id")
		if !reflect.DeepEqual(got, wantIDs) {
			t.Errorf("role %s: %v, want %v", role, got, wantIDs)
		}
	}
	if diags := e.validateList(inviteLinkType, map[string]any{"org_id": "c", "role": "READ"}); !messageRegexp(contentRoleError("READ")).MatchString(diagnosticsText(diags)) {
		t.Errorf("role READ validated to %s", diagnosticsText(diags))
	}

	if got := e.listed(inviteLinkType, listBlock{config: map[string]any{"org_id": emptyOrgID}}); len(got) != 0 {
		t.Errorf("organization without links: %+v", got)
	}
}

func TestProtocolListInviteLinks_includeResource(t *testing.T) {
	e := newProtoEnv(t, protoOptions{})
	ids := createLinks(t, e, client.RoleAdmin, client.RoleGuest)
	results := e.listed(inviteLinkType, listBlock{config: map[string]any{"org_id": "c"}, includeResource: true})
	if len(results) != 2 {
		t.Fatalf("%d results, want 2", len(results))
	}
	want := map[string]any{
		"id": ids[1], "fingerprint": client.InviteIDFingerprint(ids[1]), "org_id": emulator.DefaultParentOrgID, "role": "guest", "kind": client.InviteLinkKindOrganization,
		"space_id": nil, "collection_id": nil, "title": nil, "redundant": true, "timeouts": nil,
	}
	if got := results[1].Resource; !reflect.DeepEqual(got, want) {
		t.Errorf("guest link\n%v\nwant\n%v", got, want)
	}
	for _, r := range results {
		e.expectAdoptable(inviteLinkType, r)
	}
}

// The emulator answers pages of 2 here: 7 links are 4 pages.
func TestProtocolListInviteLinks_limit(t *testing.T) {
	e := newProtoEnv(t, protoOptions{interpose: smallPages(2)})
	createLinks(t, e, client.RoleRead, client.RoleRead, client.RoleRead, client.RoleRead, client.RoleRead, client.RoleRead, client.RoleRead)
	e.expectLimits(inviteLinkType, inviteLinksRoute, map[string]any{"org_id": "c"}, []limitCase{
		{limit: 1, results: 1, pagesFetched: 1},
		{limit: 2, results: 2, pagesFetched: 1},
		{limit: 3, results: 3, pagesFetched: 2},
		{limit: 0, results: 7, pagesFetched: 4},
		{limit: 100, results: 7, pagesFetched: 4},
	})
}

// A 500 on the second page, retried once (max_retries = 1), ends the stream after the first
// page's results with one error that names the organization.
func TestProtocolListInviteLinks_errorMidStream(t *testing.T) {
	var failed atomic.Int64
	secondPage := func(r *http.Request) bool {
		return r.URL.Path == "/orgs/"+emulator.DefaultParentOrgID+"/link-invites" && r.URL.Query().Has("page")
	}
	e := newProtoEnv(t, protoOptions{
		interpose: chain(smallPages(2), failRequests(secondPage, http.StatusInternalServerError, &failed)),
		provider:  map[string]any{"max_retries": 1},
	})
	createLinks(t, e, client.RoleRead, client.RoleEdit, client.RoleComment)
	results := e.list(inviteLinkType, listBlock{config: map[string]any{"org_id": "c"}})
	expectErrorAfter(t, results, 2, `Cannot list the invite links of organization "org_acme"`, "injected 500")
	if failed.Load() != 2 {
		t.Errorf("the second page was asked for %d times, want 2 (one retry)", failed.Load())
	}
}

// TestAccInviteLinkList_query runs `terraform query` with the real CLI; CLIs older than Terraform
// 1.14 skip it, saying why.
func TestAccInviteLinkList_query(t *testing.T) {
	env := newIsolatedTestEnv(t)
	guest := queryfilter.ByDisplayName(knownvalue.StringExact("guest link to the organization"))
	org := knownvalue.StringExact(env.OrgID)
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(fmt.Sprintf(`
resource "invent_invite_link" "readers" {
  org_id = %[1]q
  role   = "read"
}

resource "invent_invite_link" "guests" {
  org_id = %[1]q
  role   = "guest"
}

resource "invent_invite_link" "handbook" {
  org_id   = %[2]q
  role     = "edit"
  space_id = %[3]q
}`, env.OrgID, env.ParentOrgID, env.spaceID())),
			},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "invent_invite_link" "all" {
  provider         = invent
  include_resource = true

  config {
    org_id = %[1]q
  }
}

list "invent_invite_link" "guest" {
  provider = invent

  config {
    org_id = %[1]q
    role   = "guest"
  }
}
`, env.OrgID),
				QueryResultChecks: []querycheck.QueryResultCheck{
					// The API lists no space links.
					querycheck.ExpectLength("invent_invite_link.all", 2),
					querycheck.ExpectIdentity("invent_invite_link.all", map[string]knownvalue.Check{
						"org_id": org, "invite_id": knownvalue.NotNull(),
					}),
					querycheck.ExpectResourceDisplayName("invent_invite_link.all", guest, knownvalue.StringExact("guest link to the organization")),
					querycheck.ExpectResourceKnownValues("invent_invite_link.all", guest, []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("org_id"), KnownValue: org},
						{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("guest")},
						{Path: tfjsonpath.New("kind"), KnownValue: knownvalue.StringExact(client.InviteLinkKindOrganization)},
						{Path: tfjsonpath.New("space_id"), KnownValue: knownvalue.Null()},
					}),
					querycheck.ExpectLength("invent_invite_link.guest", 1),
				},
			},
		},
	})
}
