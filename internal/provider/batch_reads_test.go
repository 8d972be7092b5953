package provider

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// The emulator's stats count requests by route pattern.
const (
	routeCurrentUser     = "GET /users/me"
	routeListInviteLinks = "GET /orgs/{org_id}/link-invites"
	routeGetInviteLink   = "GET /orgs/{org_id}/link-invites/{invite_id}"
	routeListSubOrgs     = "GET /orgs/{org_id}/orgs"
	routeGetSubOrg       = "GET /orgs/{org_id}/orgs/{sub_org_id}"
)

// bulkConfig is a provider block that sets batch_reads, then `links` organization invite links
// (cycling through every role) and `memberships` memberships, one per generated sub-organization
// from org_gen_00001 on.
func bulkConfig(env *testEnv, batchReads bool, links, memberships int) string {
	return fmt.Sprintf(`
provider "invent" {
  base_url    = %[1]q
  api_token   = %[2]q
  batch_reads = %[3]t
}

resource "invent_invite_link" "bulk" {
  count  = %[4]d
  org_id = %[5]q
  role   = element(["admin", "create", "edit", "review", "comment", "read", "guest"], count.index)
}

resource "invent_sub_org_membership" "bulk" {
  count      = %[6]d
  org_id     = %[5]q
  sub_org_id = format("org_gen_%%05d", count.index + 1)
  role       = element(["DEVELOPER", "MANAGER", "STAFF"], count.index)
}
`, env.URL, env.AdminToken, batchReads, links, env.OrgID, memberships)
}

// expectRequests checks that the API served exactly want, by route, since its stats were last
// reset: with RefreshState, the requests of one refresh.
func expectRequests(emu requestCounts, want map[string]int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := emu.Stats().ByRoute; !maps.Equal(got, want) {
			return fmt.Errorf("requests by route:\n got  %v\n want %v", got, want)
		}
		return nil
	}
}

// expectRequestsAtMost checks that the API served exactly one GET /users/me and at most max
// other requests since its stats were last reset.
func expectRequestsAtMost(emu requestCounts, maxRequests int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		byRoute := emu.Stats().ByRoute
		var others int64
		for route, n := range byRoute {
			if route != routeCurrentUser {
				others += n
			}
		}
		if byRoute[routeCurrentUser] != 1 || others > maxRequests {
			return fmt.Errorf("requests by route: %v; want one %s and at most %d others", byRoute, routeCurrentUser, maxRequests)
		}
		return nil
	}
}

// A refresh of 300 links and 150 memberships is answered by the listings' pages: at most 0.05
// requests per resource, no diff; with batch_reads = false it is one GET per resource.
func TestAccBatchReads_refreshCostsListPages(t *testing.T) {
	const links, memberships = 300, 150
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: memberships})
	emu := env.needsEmulator(t, knobGeneratedSubOrgs)

	subOrgIDs := make([]string, memberships)
	for i := range subOrgIDs {
		subOrgIDs[i] = fmt.Sprintf("org_gen_%05d", i+1)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			inviteLinksDestroyed(env),
			checkNotMemberOf(t, env, subOrgIDs...),
		),
		Steps: []resource.TestStep{
			{
				Config: bulkConfig(env, true, links, memberships),
			},
			{
				PreConfig:    emu.ResetStats,
				RefreshState: true,
				Check:        expectRequestsAtMost(emu, (links+memberships)/20),
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Only the provider block changes: no apply needed, and the plans must be empty.
				Config:   bulkConfig(env, false, links, memberships),
				PlanOnly: true,
			},
			{
				PreConfig:    emu.ResetStats,
				RefreshState: true,
				Check: expectRequests(emu, map[string]int64{
					routeCurrentUser:   1,
					routeGetInviteLink: links,
					routeGetSubOrg:     memberships,
				}),
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A small configuration in a large organization costs one GET per resource, never a listing: one
// membership, one organization link and one space link among 10,000 sub-organizations and 2,500
// links. A space link is never in the organization's listing, so its Read never fetches it.
func TestAccBatchReads_smallConfigurationInLargeOrganization(t *testing.T) {
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: 10_000})
	emu := env.needsEmulator(t, knobGeneratedSubOrgs)
	createInviteLinks(t, env, 2_500)
	config := env.providerConfig(fmt.Sprintf(`
resource "invent_sub_org_membership" "one" {
  org_id     = %[1]q
  sub_org_id = "org_gen_05000"
  role       = "STAFF"
}

resource "invent_invite_link" "org" {
  org_id = %[1]q
  role   = "read"
}

resource "invent_invite_link" "space" {
  org_id   = %[1]q
  role     = "guest"
  space_id = %[2]q
}
`, env.OrgID, emulator.DefaultSpaceID))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNotMemberOf(t, env, "org_gen_05000"),
		Steps: []resource.TestStep{
			{
				Config: config,
			},
			{
				PreConfig:    emu.ResetStats,
				RefreshState: true,
				Check: expectRequests(emu, map[string]int64{
					routeCurrentUser:   1,
					routeGetSubOrg:     1,
					routeGetInviteLink: 2,
				}),
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A link created outside Terraform shows up in the listing but is no resource's; a managed link
// revoked outside Terraform is missing from the listing, so its Read falls back to one GET, which
// 404s: the link leaves the state and the plan creates it again. Whether the three Reads meet
// (and so fetch the listing) is the scheduler's to decide: the cost is checked against the bound.
func TestAccBatchReads_linksChangedOutsideTerraform(t *testing.T) {
	env := newIsolatedTestEnv(t)
	emu := env.counts()
	// The link revoked outside Terraform: its address in plans, and its key in the test's state.
	const revokedAddr, revokedKey = "invent_invite_link.bulk[1]", "invent_invite_link.bulk.1"
	managed := map[string]string{} // state key -> invite ID, as first applied
	var outsideID string

	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			inviteLinksDestroyed(env),
			inviteLinkExists(t, env, &outsideID),
		),
		Steps: []resource.TestStep{
			{
				Config: bulkConfig(env, true, 3, 0),
				Check:  captureInviteLinkIDs(managed),
			},
			{
				PreConfig: func() {
					link, err := env.Admin.CreateInviteLink(testContext(t), env.OrgID,
						client.NewInviteLinkRequest(client.RoleAdmin, "", ""))
					if err != nil {
						t.Fatal(err)
					}
					outsideID = link.ID
					emu.ResetStats()
				},
				RefreshState: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					expectLinkReadsCost(emu, 3, 0),
					inviteLinkIDsAre(managed),
				),
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					if _, err := env.Admin.DeleteInviteLink(testContext(t), env.OrgID, managed[revokedKey]); err != nil {
						t.Fatal(err)
					}
					emu.ResetStats()
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					expectLinkReadsCost(emu, 3, 1),
					inviteLinkIDsAre(managed, revokedKey),
				),
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(revokedAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("invent_invite_link.bulk[0]", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("invent_invite_link.bulk[2]", plancheck.ResourceActionNoop),
					},
				},
			},
			{
				Config: bulkConfig(env, true, 3, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(revokedAddr, plancheck.ResourceActionCreate),
					},
				},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources[revokedKey].Primary.ID; id == managed[revokedKey] {
						return fmt.Errorf("%s kept the revoked link's ID %s", revokedAddr, id)
					}
					return nil
				},
			},
		},
	})
}

// expectLinkReadsCost checks the requests of a refresh of `reads` organization links, all of them
// on the listing's first page: at most that page, at least `gets` GETs (those of links the listing
// lacks), and no more requests than one per Read plus one. A link that those GETs find gone leaves
// the state only once GET /users/me has shown that the base URL speaks the API (objectGone): then
// that is asked once too, and only then.
func expectLinkReadsCost(emu requestCounts, reads, gets int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := maps.Clone(emu.Stats().ByRoute)
		if want := min(gets, 1); got[routeCurrentUser] != want {
			return fmt.Errorf("requests by route: %v; want %d × %s", got, want, routeCurrentUser)
		}
		delete(got, routeCurrentUser)
		pages, getsMade := got[routeListInviteLinks], got[routeGetInviteLink]
		if len(got) > 2 || pages > 1 || getsMade < gets || pages+getsMade > reads+1 {
			return fmt.Errorf("requests by route: %v; want at most one listing page, at least %d GETs and at most %d requests",
				got, gets, reads+1)
		}
		return nil
	}
}

// captureInviteLinkIDs records the ID of every invite link in state, by state key.
func captureInviteLinkIDs(dst map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		maps.Copy(dst, inviteLinkIDs(s))
		return nil
	}
}

// inviteLinkIDsAre checks that the state holds exactly the invite links of want (state key -> ID),
// but for those keyed except.
func inviteLinkIDsAre(want map[string]string, except ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		want := maps.Clone(want)
		for _, key := range except {
			delete(want, key)
		}
		if got := inviteLinkIDs(s); !maps.Equal(got, want) {
			return fmt.Errorf("invite links in state:\n got  %v\n want %v", got, want)
		}
		return nil
	}
}

func inviteLinkIDs(s *terraform.State) map[string]string {
	ids := map[string]string{}
	for addr, rs := range s.RootModule().Resources {
		if rs.Type == "invent_invite_link" {
			ids[addr] = rs.Primary.ID
		}
	}
	return ids
}

// inviteLinkExists checks through the API that the link *id (set by an earlier step) still exists.
func inviteLinkExists(t *testing.T, env *testEnv, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := env.Admin.GetInviteLink(testContext(t), env.OrgID, *id)
		return err
	}
}

// `apply -replace` of one membership beside 40 creates of the same parent, all at once
// (-parallelism=50): the replacement leaves the sub-organization, then joins it again, while the
// other creates' guards read the parent's listing. The leave and the listing's pages are slowed down
// so that a page is answered before the leave acts and lands after it. The leave must win over that page, or the join's guard sees
// the membership from before the leave, refuses ("Already a member") and leaves the admin without
// it. plan_checks is off, so that the guards alone read the listing, during the apply: the plan-time
// check of a replacement's create half is another matter (it refuses the membership being replaced).
func TestAccBatchReads_replaceBesideConcurrentCreates(t *testing.T) {
	const before, after = 40, 80
	// A page is answered at once and delivered 2 s later; a leave acts after 1 s.
	slowed := func(next http.Handler) http.Handler {
		late := answerDelay(next, 2*time.Second)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodDelete:
				time.Sleep(time.Second)
			case r.Method == http.MethodGet && r.URL.Query().Has("page"):
				late.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	env := newTestEnvThrough(t, emulator.Options{GeneratedSubOrgs: after}, slowed)
	env.needsEmulator(t, knobGeneratedSubOrgs)
	const replaced = "invent_sub_org_membership.bulk[7]" // org_gen_00008, role MANAGER
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	memberships := func(n int) string {
		return fmt.Sprintf(`
provider "invent" {
  plan_checks = false
}

resource "invent_sub_org_membership" "bulk" {
  count      = %d
  org_id     = %q
  sub_org_id = format("org_gen_%%05d", count.index + 1)
  role       = element(["DEVELOPER", "MANAGER", "STAFF"], count.index)
}
`, n, env.OrgID)
	}
	ws.writeConfig(memberships(before))
	ws.mustRun("apply", "-auto-approve")
	memberID := ws.stateResources("invent_sub_org_membership")[7]["member_id"]

	ws.writeConfig(memberships(after))
	run := ws.mustRun("apply", "-auto-approve", "-parallelism=50", "-replace="+replaced)
	if !strings.Contains(run.stdout, fmt.Sprintf("Apply complete! Resources: %d added, 0 changed, 1 destroyed.", after-before+1)) {
		t.Fatalf("the apply did not replace one membership and add %d:\n%s", after-before, run)
	}
	mustCheck(t, checkRoleIn(t, env, "org_gen_00008", "MANAGER"))
	if got := ws.stateResources("invent_sub_org_membership")[7]["member_id"]; got == memberID {
		t.Errorf("%s kept member_id %v: it was not replaced", replaced, got)
	}
	ws.expectNoChanges()
	ws.mustRun("destroy", "-auto-approve")
	subOrgIDs := make([]string, after)
	for i := range subOrgIDs {
		subOrgIDs[i] = fmt.Sprintf("org_gen_%05d", i+1)
	}
	mustCheck(t, checkNotMemberOf(t, env, subOrgIDs...))
}
