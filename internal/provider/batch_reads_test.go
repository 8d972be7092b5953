package provider

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"golang.org/x/sync/errgroup"

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

// subOrgListingRequests is what the client spends listing n sub-organizations: the first page of
// 100 (the API's largest take), then windows of client.DefaultPageConcurrency pages until a short
// one, so up to a window's worth of requests past the last page, and the last page once more when
// its window holds pages before it (to make sure nothing moved past it while they were read).
func subOrgListingRequests(n int) int64 {
	const take = 100
	pages := n/take + 1 // the last page is the first one shorter than take, perhaps empty
	if pages == 1 {
		return 1
	}
	windows := (pages - 2 + client.DefaultPageConcurrency) / client.DefaultPageConcurrency
	requests := 1 + windows*client.DefaultPageConcurrency
	if (pages-2)%client.DefaultPageConcurrency != 0 {
		requests++
	}
	return int64(requests)
}

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

// expectRequests checks that the emulator served exactly want, by route, since its stats were last
// reset: with RefreshState, the requests of one refresh.
func expectRequests(emu *emulator.Server, want map[string]int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := emu.Stats().ByRoute; !maps.Equal(got, want) {
			return fmt.Errorf("requests by route:\n got  %v\n want %v", got, want)
		}
		return nil
	}
}

// A refresh of 300 links and 150 memberships costs the list pages (one of links, the sub-organization
// listing's) plus the caller's identity, and changes nothing; with batch_reads = false it is one GET
// per resource.
func TestAccBatchReads_refreshCostsListPages(t *testing.T) {
	const links, memberships = 300, 150
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: memberships})
	emu := env.needsEmulator(t)

	subOrgs, err := env.Admin.ListSubOrgs(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
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
				Check: expectRequests(emu, map[string]int64{
					routeCurrentUser:     1,
					routeListInviteLinks: 1, // 300 links fit one page of 1,000
					routeListSubOrgs:     subOrgListingRequests(len(subOrgs)),
				}),
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

// A link created outside Terraform shows up in the listing but is no resource's; a managed link
// revoked outside Terraform is missing from the listing, so its Read falls back to one GET, which
// 404s: the link leaves the state and the plan creates it again.
func TestAccBatchReads_linksChangedOutsideTerraform(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	// The link revoked outside Terraform: its address in plans, and its key in the test's state.
	const revokedAddr, revokedKey = "invent_invite_link.bulk[1]", "invent_invite_link.bulk.1"
	managed := map[string]string{} // state key -> invite ID, as first applied
	var outsideID string

	resource.ParallelTest(t, resource.TestCase{
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
					expectRequests(emu, map[string]int64{routeListInviteLinks: 1}),
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
					expectRequests(emu, map[string]int64{routeListInviteLinks: 1, routeGetInviteLink: 1}),
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

// Many concurrent first Reads of one organization's links, or of its sub-organizations, share one
// listing request.
func TestReadCache_concurrentReadsShareOneListing(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	ctx := testContext(t)
	links := createdInviteLinks(t, env, 5)
	subOrgs, err := env.Admin.ListSubOrgs(ctx, env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	// Latency keeps the first listing in flight while the other Reads arrive.
	emu.SetFaults(0, nil, 20*time.Millisecond)
	emu.ResetStats()

	reads := newReadCache(env.Admin, true)
	const readers = 40
	start := make(chan struct{})
	g, gctx := errgroup.WithContext(ctx)
	for i := range readers {
		g.Go(func() error {
			<-start
			want := links[i%len(links)]
			got, err := reads.InviteLink(gctx, env.OrgID, want.ID)
			if err != nil {
				return err
			}
			if got.ID != want.ID || got.EffectiveRole() != want.EffectiveRole() {
				return fmt.Errorf("read link %s with role %s, want %s with %s", got.ID, got.EffectiveRole(), want.ID, want.EffectiveRole())
			}
			return nil
		})
		g.Go(func() error {
			<-start
			want := subOrgs[i%len(subOrgs)]
			got, err := reads.SubOrg(gctx, env.OrgID, want.ID)
			if err != nil {
				return err
			}
			if got.ID != want.ID || len(got.Members) != len(want.Members) {
				return fmt.Errorf("read sub-organization %s with %d members, want %s with %d", got.ID, len(got.Members), want.ID, len(want.Members))
			}
			return nil
		})
	}
	close(start)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{routeListInviteLinks: 1, routeListSubOrgs: 1}
	if got := emu.Stats().ByRoute; !maps.Equal(got, want) {
		t.Errorf("requests by route: got %v, want %v", got, want)
	}
}

// A write the provider reports through Put/Forget is what the next Read returns, without a request
// for a Put and with a fresh GET after a Forget; a link created outside the provider after the
// listing is fetched on its own.
func TestReadCache_writesAreVisibleToTheNextRead(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	ctx := testContext(t)
	links := createdInviteLinks(t, env, 2)
	reads := newReadCache(env.Admin, true)
	if _, err := reads.InviteLink(ctx, env.OrgID, links[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := reads.SubOrg(ctx, env.OrgID, emulator.DefaultJoinableSubOrgID); err != nil {
		t.Fatal(err)
	}
	me, err := env.Admin.CurrentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}

	noRequests := map[string]int64{}

	t.Run("updated link is read from the cache", func(t *testing.T) {
		var updated *client.InviteLink
		readCost(t, emu, noRequests, func() (err error) {
			updated, err = env.Admin.UpdateInviteLink(ctx, env.OrgID, links[0].ID, client.UpdateInviteLinkRequest{Role: client.RoleComment})
			return err
		}, func() error {
			reads.PutInviteLink(env.OrgID, *updated)
			link, err := reads.InviteLink(ctx, env.OrgID, links[0].ID)
			return checkLinkRole(link, err, client.RoleComment)
		})
	})
	t.Run("created link is read from the cache", func(t *testing.T) {
		var created *client.InviteLink
		readCost(t, emu, noRequests, func() (err error) {
			created, err = env.Admin.CreateInviteLink(ctx, env.OrgID, client.NewInviteLinkRequest(client.RoleEdit, "", ""))
			return err
		}, func() error {
			reads.PutInviteLink(env.OrgID, *created)
			link, err := reads.InviteLink(ctx, env.OrgID, created.ID)
			return checkLinkRole(link, err, client.RoleEdit)
		})
	})
	t.Run("deleted link is fetched and not found", func(t *testing.T) {
		readCost(t, emu, map[string]int64{routeGetInviteLink: 1}, func() error {
			_, err := env.Admin.DeleteInviteLink(ctx, env.OrgID, links[1].ID)
			return err
		}, func() error {
			reads.ForgetInviteLink(env.OrgID, links[1].ID)
			if _, err := reads.InviteLink(ctx, env.OrgID, links[1].ID); !client.IsNotFound(err) {
				return fmt.Errorf("read of a revoked link: got error %v, want a 404", err)
			}
			return nil
		})
	})
	t.Run("link created outside since the listing is fetched on its own", func(t *testing.T) {
		var outside *client.InviteLink
		readCost(t, emu, map[string]int64{routeGetInviteLink: 1}, func() (err error) {
			outside, err = env.Admin.CreateInviteLink(ctx, env.OrgID, client.NewInviteLinkRequest(client.RoleRead, "", ""))
			return err
		}, func() error {
			link, err := reads.InviteLink(ctx, env.OrgID, outside.ID)
			return checkLinkRole(link, err, client.RoleRead)
		})
	})
	t.Run("joined sub-organization is read from the cache", func(t *testing.T) {
		var joined *client.SubOrg
		readCost(t, emu, noRequests, func() (err error) {
			joined, err = env.Admin.JoinSubOrg(ctx, env.OrgID, emulator.DefaultJoinableSubOrgID, client.OrgRoleStaff)
			return err
		}, func() error {
			reads.PutSubOrg(env.OrgID, *joined)
			so, err := reads.SubOrg(ctx, env.OrgID, emulator.DefaultJoinableSubOrgID)
			return checkMemberRole(so, err, me.ID, client.OrgRoleStaff)
		})
	})
	t.Run("left sub-organization is fetched again", func(t *testing.T) {
		readCost(t, emu, map[string]int64{routeGetSubOrg: 1}, func() error {
			return env.Admin.LeaveSubOrg(ctx, env.OrgID, emulator.DefaultJoinableSubOrgID)
		}, func() error {
			reads.ForgetSubOrg(env.OrgID, emulator.DefaultJoinableSubOrgID)
			so, err := reads.SubOrg(ctx, env.OrgID, emulator.DefaultJoinableSubOrgID)
			return checkMemberRole(so, err, me.ID, "")
		})
	})
}

// createdInviteLinks creates n organization links through the API and returns the organization's
// links (the test's emulator has no others).
func createdInviteLinks(t *testing.T, env *testEnv, n int) []client.InviteLink {
	t.Helper()
	createInviteLinks(t, env, n)
	links, err := env.Admin.ListInviteLinks(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	return links
}

// checkLinkRole checks a read's result: the link, with role want.
func checkLinkRole(link *client.InviteLink, err error, want client.ContentRole) error {
	if err != nil {
		return err
	}
	if got := link.EffectiveRole(); got != want {
		return fmt.Errorf("link %s has role %s, want %s", link.ID, got, want)
	}
	return nil
}

// checkMemberRole checks a read's result: the sub-organization, where userID has role want (""
// for not a member).
func checkMemberRole(so *client.SubOrg, err error, userID, want string) error {
	if err != nil {
		return err
	}
	m, ok := so.MemberByUserID(userID)
	switch {
	case want == "" && ok:
		return fmt.Errorf("%s is still a member of %s, with role %s", userID, so.ID, m.Role)
	case want != "" && !ok:
		return fmt.Errorf("%s is not a member of %s", userID, so.ID)
	case ok && m.Role != want:
		return fmt.Errorf("%s has role %s in %s, want %s", userID, m.Role, so.ID, want)
	}
	return nil
}

// readCost runs a write outside the cache, then read (the cache's side of it), and checks that read
// made exactly the requests want.
func readCost(t *testing.T, emu *emulator.Server, want map[string]int64, write func() error, read func() error) {
	t.Helper()
	if err := write(); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	if err := read(); err != nil {
		t.Error(err)
	}
	if got := emu.Stats().ByRoute; !maps.Equal(got, want) {
		t.Errorf("requests by route: got %v, want %v", got, want)
	}
}
