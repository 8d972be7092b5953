package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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
	membershipType = "invent_sub_org_membership"
	subOrgsRoute   = "GET /orgs/{org_id}/orgs"
)

// The default fixture's admin is a DEVELOPER of Acme Labs and the ADMIN of Acme Retail, and not a
// member of Acme EMEA.
func TestProtocolListSubOrgMemberships(t *testing.T) {
	e := newProtoEnv(t, protoOptions{emulator: emulator.Options{Fixture: protoFixture(0)}})

	results := e.listed(membershipType, listBlock{config: map[string]any{"org_id": "c"}})
	want := []protoResult{
		{DisplayName: "Acme Labs", Identity: map[string]any{"org_id": emulator.DefaultParentOrgID, "sub_org_id": emulator.DefaultDeveloperSubOrgID}},
		{DisplayName: "Acme Retail", Identity: map[string]any{"org_id": emulator.DefaultParentOrgID, "sub_org_id": emulator.DefaultSoleAdminSubOrgID}},
	}
	if !reflect.DeepEqual(results, want) {
		t.Errorf("results\n%+v\nwant\n%+v", results, want)
	}

	for role, wantIDs := range map[string][]string{
		client.OrgRoleAdmin:     {emulator.DefaultSoleAdminSubOrgID},
		client.OrgRoleDeveloper: {emulator.DefaultDeveloperSubOrgID},
		client.OrgRoleStaff:     {},
	} {
		got := identityIDs(e.listed(membershipType, listBlock{config: map[string]any{"org_id": emulator.DefaultParentOrgID, "role": role}}), "sub_org_id")
		if !reflect.DeepEqual(got, wantIDs) {
			t.Errorf("role %s: %v, want %v", role, got, wantIDs)
		}
	}
	if diags := e.validateList(membershipType, map[string]any{"org_id": "c", "role": "admin"}); !messageRegexp(`value must be one of: ["ADMIN" "DEVELOPER" "MANAGER" "STAFF"], got: "admin"`).MatchString(diagnosticsText(diags)) {
		t.Errorf("role admin validated to %s", diagnosticsText(diags))
	}

	if got := e.listed(membershipType, listBlock{config: map[string]any{"org_id": emptyOrgID}}); len(got) != 0 {
		t.Errorf("organization without sub-organizations: %+v", got)
	}
}

func TestProtocolListSubOrgMemberships_includeResource(t *testing.T) {
	e := newProtoEnv(t, protoOptions{emulator: emulator.Options{Fixture: protoFixture(0)}})
	results := e.listed(membershipType, listBlock{config: map[string]any{"org_id": "c"}, includeResource: true})
	if len(results) != 2 {
		t.Fatalf("%d results, want 2", len(results))
	}
	labs := results[0].Resource
	if labs["org_id"] != emulator.DefaultParentOrgID || labs["id"] != emulator.DefaultParentOrgID+"/"+emulator.DefaultDeveloperSubOrgID ||
		labs["role"] != client.OrgRoleDeveloper || labs["user_id"] != emulator.DefaultAdminUserID || labs["timeouts"] != nil {
		t.Errorf("Acme Labs membership: %v", labs)
	}
	for _, r := range results {
		e.expectAdoptable(membershipType, r)
	}
}

// Pages hold 100 sub-organizations: with 250 more, the listing has three.
func TestProtocolListSubOrgMemberships_limit(t *testing.T) {
	e := newProtoEnv(t, protoOptions{emulator: emulator.Options{Fixture: protoFixture(250)}})
	config := map[string]any{"org_id": "c"}
	e.expectLimits(membershipType, subOrgsRoute, config, []limitCase{
		{limit: 5, results: 5, pagesFetched: 1},
		{limit: 100, results: 100, pagesFetched: 2}, // page 1 holds 99 of the admin's memberships
		{limit: 101, results: 101, pagesFetched: 2},
		{limit: 0, results: 252, pagesFetched: 3},
		{limit: 1000, results: 252, pagesFetched: 3},
	})

	// Terraform stops reading: no further page is fetched either.
	e.emu.ResetStats()
	read := 0
	for range e.listStream(membershipType, listBlock{config: config}) {
		if read++; read == 3 {
			break
		}
	}
	if got := e.emu.Stats().ByRoute[subOrgsRoute]; got != 1 {
		t.Errorf("a stream read for 3 results fetched %d pages, want 1", got)
	}
}

// A sub-organization created before the page being read shifts the pages, so that the next page
// starts with the last sub-organization of the previous one: it is listed once.
func TestProtocolListSubOrgMemberships_shiftedPages(t *testing.T) {
	var lastOfPage1 atomic.Value
	repeat := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			page := r.URL.Query().Get("page")
			if r.Method != http.MethodGet || r.URL.Path != "/orgs/"+emulator.DefaultParentOrgID+"/orgs" || (page != "1" && page != "2") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var items []json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &items); err != nil || rec.Code != http.StatusOK {
				t.Errorf("page %s: %d %s", page, rec.Code, rec.Body)
				return
			}
			if page == "1" {
				lastOfPage1.Store(items[len(items)-1])
			} else {
				items = append([]json.RawMessage{lastOfPage1.Load().(json.RawMessage)}, items[:len(items)-1]...)
			}
			body, _ := json.Marshal(items)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		})
	}
	e := newProtoEnv(t, protoOptions{emulator: emulator.Options{Fixture: protoFixture(250)}, interpose: repeat})
	ids := identityIDs(e.listed(membershipType, listBlock{config: map[string]any{"org_id": "c"}}), "sub_org_id")
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("%s listed twice", id)
		}
		seen[id] = true
	}
	// The shift pushed page 2's own last sub-organization, org_extra_197, off it.
	if len(ids) != 251 || seen["org_extra_197"] {
		t.Errorf("%d results, want 251 without org_extra_197", len(ids))
	}
}

// An API error on the second page ends the stream after the first page's results with one error
// that names the organization.
func TestProtocolListSubOrgMemberships_errorMidStream(t *testing.T) {
	var failed atomic.Int64
	secondPage := func(r *http.Request) bool {
		return r.URL.Path == "/orgs/"+emulator.DefaultParentOrgID+"/orgs" && r.URL.Query().Get("page") == "2"
	}
	e := newProtoEnv(t, protoOptions{
		emulator:  emulator.Options{Fixture: protoFixture(250)},
		interpose: failRequests(secondPage, http.StatusForbidden, &failed),
	})
	results := e.list(membershipType, listBlock{config: map[string]any{"org_id": "c"}})
	expectErrorAfter(t, results, 99, `Cannot list the sub-organizations of organization "org_acme"`, "injected 403")
	if failed.Load() != 1 {
		t.Errorf("the second page was asked for %d times, want once (a 403 is not retried)", failed.Load())
	}
}

// expectErrorAfter checks a stream of n results without diagnostics followed by one result that
// holds only an error whose summary and detail match parts.
func expectErrorAfter(t *testing.T, results []protoResult, n int, parts ...string) {
	t.Helper()
	if len(results) != n+1 {
		t.Fatalf("%d results, want %d and an error", len(results), n)
	}
	for i, r := range results[:n] {
		if len(r.Diagnostics) > 0 || r.Identity == nil {
			t.Fatalf("result %d: identity %v, diagnostics %s", i, r.Identity, diagnosticsText(r.Diagnostics))
		}
	}
	last := results[n]
	if last.Identity != nil || len(last.Diagnostics) != 1 || last.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Fatalf("last result: identity %v, diagnostics %s; want one error only", last.Identity, diagnosticsText(last.Diagnostics))
	}
	if got := diagnosticsText(last.Diagnostics); !messageRegexp(parts...).MatchString(got) {
		t.Errorf("error %q, want %q", got, parts)
	}
}

// TestAccSubOrgMembershipList_query runs `terraform query` with the real CLI. Terraform learned
// the query command in 1.14, so older CLIs (CI's 1.11, OpenTofu 1.12) skip it, saying why.
func TestAccSubOrgMembershipList_query(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	subOrgID := env.joinableSubOrgID(t)
	subOrg, err := env.Admin.GetSubOrg(testContext(t), env.ParentOrgID, subOrgID)
	if err != nil {
		t.Fatal(err)
	}
	parent := knownvalue.StringExact(env.ParentOrgID)
	joined := map[string]knownvalue.Check{"org_id": parent, "sub_org_id": knownvalue.StringExact(subOrgID)}
	// The emulator's fixture says how many memberships the token's user has; a live account's change
	// meanwhile, as other tests join sub-organizations and take scratch ones.
	counts := []querycheck.QueryResultCheck{
		querycheck.ExpectLength("invent_sub_org_membership.all", 3),
		querycheck.ExpectLength("invent_sub_org_membership.admin", 1),
		querycheck.ExpectIdentity("invent_sub_org_membership.admin", map[string]knownvalue.Check{
			"org_id": parent, "sub_org_id": knownvalue.StringExact(emulator.DefaultSoleAdminSubOrgID),
		}),
	}
	if env.live != nil {
		counts = []querycheck.QueryResultCheck{querycheck.ExpectNoIdentity("invent_sub_org_membership.admin", joined)}
	}
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(subOrgMembershipConfig("c", subOrgID, "STAFF")),
			},
			{
				Query: true,
				Config: `
list "invent_sub_org_membership" "all" {
  provider         = invent
  include_resource = true

  config {
    org_id = "c"
  }
}

list "invent_sub_org_membership" "admin" {
  provider = invent

  config {
    org_id = "c"
    role   = "ADMIN"
  }
}

list "invent_sub_org_membership" "first" {
  provider = invent
  limit    = 1

  config {
    org_id = "c"
  }
}
`,
				QueryResultChecks: append(counts,
					querycheck.ExpectIdentity("invent_sub_org_membership.all", joined),
					querycheck.ExpectResourceDisplayName("invent_sub_org_membership.all", queryfilter.ByResourceIdentity(joined),
						knownvalue.StringExact(subOrg.Name)),
					querycheck.ExpectResourceKnownValues("invent_sub_org_membership.all", queryfilter.ByResourceIdentity(joined),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("org_id"), KnownValue: parent},
							{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact(client.OrgRoleStaff)},
							{Path: tfjsonpath.New("user_id"), KnownValue: knownvalue.StringExact(env.AdminUserID)},
						}),
					querycheck.ExpectLength("invent_sub_org_membership.first", 1),
				),
			},
		},
	})
}
