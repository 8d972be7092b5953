package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

const membersExclusiveAddr = "invent_org_members_exclusive.all"

// membersExclusiveConfig is the resource for orgID with userIDs, and an import block when imported.
func membersExclusiveConfig(orgID string, imported bool, userIDs ...string) string {
	return exclusiveTestConfig("invent_org_members_exclusive", "user_ids", orgID, imported, userIDs)
}

// exclusiveTestConfig is the exclusive resource "all" of resourceType for orgID with ids in its list
// attribute, and an import block when imported.
func exclusiveTestConfig(resourceType, attribute, orgID string, imported bool, ids []string) string {
	config := fmt.Sprintf(`
resource %q "all" {
  org_id = %q
  %s = %s
}
`, resourceType, orgID, attribute, hclStrings(ids))
	if imported {
		config += fmt.Sprintf(`
import {
  to = %s.all
  id = %q
}
`, resourceType, orgID)
	}
	return config
}

// hclStrings is ss as an HCL list of strings.
func hclStrings(ss []string) string {
	quoted := make([]string, len(ss))
	for i, s := range ss {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// inviteMembers makes each address a member of the organization through the API, as someone acting
// outside Terraform would, and returns their user IDs in order.
func inviteMembers(t *testing.T, api *client.Client, orgID string, emails ...string) []string {
	t.Helper()
	var ids []string
	for batch := range slices.Chunk(emails, 500) {
		req := client.InviteRequest{}
		for _, email := range batch {
			req.Emails = append(req.Emails, client.InviteEmail{Email: email})
		}
		resp, err := api.InviteByEmail(testContext(t), orgID, req)
		if err != nil {
			t.Fatalf("inviting %d addresses: %v", len(batch), err)
		}
		if len(resp.Users) != len(batch) {
			t.Fatalf("invited %d addresses, the API added %d", len(batch), len(resp.Users))
		}
		ids = append(ids, resp.Users...)
	}
	return ids
}

// memberIDs lists the organization's members through the API.
func memberIDs(t *testing.T, env *testEnv) []string {
	t.Helper()
	members, err := env.Admin.ListMembers(testContext(t), env.OrgID, client.MemberFilter{})
	if err != nil {
		t.Fatalf("listing the members: %v", err)
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	return ids
}

// membersAre checks through the API that the organization's members are exactly want, in any order.
func membersAre(t *testing.T, env *testEnv, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := memberIDs(t, env)
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			return fmt.Errorf("the organization's members are %v, want %v", got, want)
		}
		return nil
	}
}

// memberRef is a member as a warning names it.
type memberRef struct {
	id, email string
}

// listed is how a warning or an error lists the member with its content role.
func (m memberRef) listed(role string) string {
	return fmt.Sprintf("- %s (%s), role %s", m.email, m.id, role)
}

// exclusiveCast are the members of the test's organization that the exclusive tests list and remove,
// besides the token's user: the emulator's Max (read) and Olivia (an ACTIVE admin); against a live
// account two addresses invited to the test's own organization, one as read and one as admin (both
// INVITED: a live account has no other user who could accept).
type exclusiveCast struct {
	admin, max, olivia memberRef
}

func newExclusiveCast(t *testing.T, env *testEnv) exclusiveCast {
	t.Helper()
	cast := exclusiveCast{admin: memberRef{env.AdminUserID, env.AdminEmail}}
	if env.live == nil {
		cast.max = memberRef{emulator.DefaultMemberUserID, memberEmail}
		cast.olivia = memberRef{emulator.DefaultOwnerUserID, "olivia@acme.example"}
		return cast
	}
	cast.max, cast.olivia = memberRef{email: env.newAddress()}, memberRef{email: env.newAddress()}
	resp, err := env.Admin.InviteByEmail(testContext(t), env.OrgID, client.InviteRequest{Emails: []client.InviteEmail{
		{Email: cast.max.email, Role: client.RoleRead}, {Email: cast.olivia.email, Role: client.RoleAdmin},
	}})
	if err != nil || len(resp.Users) != 2 {
		t.Fatalf("inviting the members of the test: %+v, %v", resp, err)
	}
	cast.max.id, cast.olivia.id = resp.Users[0], resp.Users[1]
	return cast
}

func mustCheck(t *testing.T, check resource.TestCheckFunc) {
	t.Helper()
	if err := check(nil); err != nil {
		t.Fatal(err)
	}
}

// Max is a member outside user_ids: the create refuses and removes nobody.
func TestAccOrgMembersExclusive_createRefused(t *testing.T) {
	env := newIsolatedTestEnv(t)
	cast := newExclusiveCast(t, env)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             membersAre(t, env, cast.admin.id, cast.max.id, cast.olivia.id),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(membersExclusiveConfig(env.OrgID, false, cast.olivia.id)),
				ExpectError: messageRegexp(`The organization has members outside user_ids`,
					fmt.Sprintf(`Organization %q has 1 member that user_ids does not list:`, env.OrgID),
					cast.max.listed("read"),
					`Creating invent_org_members_exclusive removes nothing: a create's plan has no prior state, `+
						`so it cannot show these as changes for review. Nothing is applied.`,
					fmt.Sprintf(`import { to = invent_org_members_exclusive.<name> id = %q }`, env.OrgID)),
			},
		},
	})
}

// Adopted by an import block, the resource removes exactly the members outside user_ids, never the
// token's own, and refuses IDs that are not members.
func TestAccOrgMembersExclusive_lifecycle(t *testing.T) {
	env := newIsolatedTestEnv(t)
	cast := newExclusiveCast(t, env)
	ada, maxID, olivia := cast.admin.id, cast.max.id, cast.olivia.id
	// A user whose ID is known before it becomes a member: one the test adds to the emulator's
	// directory, or the member token's user.
	extra, addExtra := env.MemberUserID, func() { env.memberJoins(t) }
	if emu := env.Emulator; emu != nil {
		const extraEmail = "extra@example.com"
		extra, addExtra = "usr_extra", func() { inviteMembers(t, env.Admin, env.OrgID, extraEmail) }
		if err := emu.AddUser(emulator.FixtureUser{ID: extra, Name: "Extra", Email: extraEmail}); err != nil {
			t.Fatal(err)
		}
	}
	userIDs := tfjsonpath.New("user_ids")
	var drifted string
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// Destroying the resource removes nobody.
		CheckDestroy: membersAre(t, env, ada, olivia, extra),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { mustCheck(t, membersAre(t, env, ada, maxID, olivia)) },
				// Imported, the plan shows Max's removal as a change of user_ids; the token's own
				// member (Ada) is neither listed nor removed.
				Config: env.providerConfig(membersExclusiveConfig(env.OrgID, true, olivia)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(membersExclusiveAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(membersExclusiveAddr, userIDs, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(olivia),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersExclusiveAddr, tfjsonpath.New("id"), knownvalue.StringExact(env.OrgID)),
				},
				Check: membersAre(t, env, ada, olivia),
			},
			{
				// A member added outside Terraform shows in the next plan, and apply removes it.
				PreConfig: func() { drifted = inviteMembers(t, env.Admin, env.OrgID, env.newAddress())[0] },
				Config:    env.providerConfig(membersExclusiveConfig(env.OrgID, false, olivia)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectOnlyChanges(membersExclusiveAddr, []string{"user_ids"}, nil),
				}},
				Check: func(s *terraform.State) error {
					if drifted == "" {
						return fmt.Errorf("no member was added")
					}
					return membersAre(t, env, ada, olivia)(s)
				},
			},
			{
				// A listed non-member is refused before anything is removed: the new extra member stays.
				PreConfig: addExtra,
				Config:    env.providerConfig(membersExclusiveConfig(env.OrgID, false, olivia, "usr_nina")),
				ExpectError: messageRegexp(`Not members of the organization`,
					fmt.Sprintf(`user_ids lists an ID that is not a member of organization %q:`, env.OrgID), `- usr_nina`,
					`invent_org_members_exclusive never adds a member: invite each with an invent_org_member and list `+
						`its user_id, or take the ID out of user_ids. Nothing is applied.`),
			},
			{
				// Listing the token's own member is allowed, in any order, and keeps the extra member.
				PreConfig: func() { mustCheck(t, membersAre(t, env, ada, olivia, extra)) },
				Config:    env.providerConfig(membersExclusiveConfig(env.OrgID, false, extra, olivia, ada)),
				Check:     membersAre(t, env, ada, olivia, extra),
			},
			{
				// Another order is no change.
				Config: env.providerConfig(membersExclusiveConfig(env.OrgID, false, ada, olivia, extra)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Taking the own member out of user_ids never removes it.
				Config: env.providerConfig(membersExclusiveConfig(env.OrgID, false, olivia, extra)),
				Check:  membersAre(t, env, ada, olivia, extra),
			},
			{
				ResourceName:            membersExclusiveAddr,
				ImportState:             true,
				ImportStateId:           env.OrgID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// The warning lists the members to be removed, 50 at most; apply removes exactly them; a member added
// outside Terraform shows in the next refreshing plan only; destroy removes nobody. Through the real
// terraform CLI, whose output carries the warnings.
func TestAccOrgMembersExclusive_cli(t *testing.T) {
	env := newIsolatedTestEnv(t)
	cast := newExclusiveCast(t, env)
	ada, olivia := cast.admin.id, cast.olivia.id
	emails := make([]string, 60)
	for i := range emails {
		emails[i] = env.newAddress()
	}
	extras := inviteMembers(t, env.Admin, env.OrgID, emails...)
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.skipUnlessVersion(skipBelowImportBlocks)
	ws.writeConfig(membersExclusiveConfig(env.OrgID, true, olivia))

	plan := ws.mustRun("plan")
	want := []string{
		`Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.`,
		fmt.Sprintf(`Warning: 61 members of organization %q will be removed`, env.OrgID),
		fmt.Sprintf(`Applying this plan will remove these members of organization %q, which user_ids does not list:`, env.OrgID),
		cast.max.listed("read"),
		memberRef{extras[0], emails[0]}.listed("read"),
		memberRef{extras[48], emails[48]}.listed("read"),
		`and 11 more`,
		`To keep one, add its ID to user_ids.`,
	}
	if !messageRegexp(want...).MatchString(plan.stdout) {
		t.Fatalf("the plan does not show %q:\n%s", want, plan)
	}
	if strings.Contains(plan.stdout, emails[49]) || strings.Count(plan.stdout, "will be removed") != 1 {
		t.Fatalf("the plan's warning should list 50 members in one warning:\n%s", plan)
	}
	ws.mustRun("apply", "-auto-approve")
	mustCheck(t, membersAre(t, env, ada, olivia))
	ws.writeConfig(membersExclusiveConfig(env.OrgID, false, olivia))
	ws.expectNoChanges()

	lateEmail := env.newAddress()
	late := inviteMembers(t, env.Admin, env.OrgID, lateEmail)[0]
	if run := ws.mustRun("plan", "-refresh=false"); !strings.Contains(run.stdout, "No changes.") {
		t.Fatalf("a plan without refresh sees no drift, got:\n%s", run)
	}
	plan = ws.mustRun("plan")
	want = []string{
		`invent_org_members_exclusive.all will be updated in-place`, `- "` + late + `",`,
		fmt.Sprintf(`Warning: 1 member of organization %q will be removed`, env.OrgID),
		memberRef{late, lateEmail}.listed("read"),
	}
	if !messageRegexp(want...).MatchString(plan.stdout) {
		t.Fatalf("the plan does not show %q:\n%s", want, plan)
	}
	ws.mustRun("apply", "-auto-approve")
	mustCheck(t, membersAre(t, env, ada, olivia))

	invited := inviteMembers(t, env.Admin, env.OrgID, env.newAddress())
	ws.mustRun("destroy", "-auto-approve")
	mustCheck(t, membersAre(t, env, ada, olivia, invited[0]))
}

// 1,305 members are compared with one listing request per page of 1,000, and the plan finds no change.
func TestAccOrgMembersExclusive_scale(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	const members = 1305
	addBulkMembers(t, env.needsEmulator(t, knobSetup+" (members without an invitation each)"), env.OrgID, members)
	ids := []string{emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID}
	for i := 1; i <= members; i++ {
		ids = append(ids, fmt.Sprintf("usr_bulk_%04d", i))
	}
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.writeConfig(membersExclusiveConfig(env.OrgID, false, ids...))
	ws.mustRun("apply", "-auto-approve")

	counts := env.counts()
	counts.ResetStats()
	ws.expectNoChanges()
	stats := counts.Stats()
	pages := int64((len(ids) + 1 + 999) / 1000) // with the token's own member
	if got := stats.ByRoute["GET /orgs/{org_id}/members"]; got != pages {
		t.Errorf("the refreshing plan listed the members with %d requests, want %d (one per page)", got, pages)
	}
	if stats.Total != pages+1 { // and the token's user, once
		t.Errorf("the refreshing plan made %d requests (%v), want %d", stats.Total, stats.ByRoute, pages+1)
	}
}

// exclusiveRaw is a plan or state of the exclusive resource r for orgID, with ids in its list
// attribute named attribute, for tests that call the resource's methods directly.
func exclusiveRaw(t *testing.T, r fwresource.Resource, attribute, orgID string, ids []string) tfsdk.Plan {
	t.Helper()
	list, err := idList(ids).ToTerraformValue(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	return exclusiveRawList(t, r, attribute, orgID, list)
}

// exclusiveRawList is exclusiveRaw with the list attribute's value as given.
func exclusiveRawList(t *testing.T, r fwresource.Resource, attribute, orgID string, list tftypes.Value) tfsdk.Plan {
	t.Helper()
	ctx := testContext(t)
	sch := resourceSchema(t, r)
	return tfsdk.Plan{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), map[string]tftypes.Value{
		"id":       tftypes.NewValue(tftypes.String, orgID),
		"org_id":   tftypes.NewValue(tftypes.String, orgID),
		attribute:  list,
		"timeouts": tftypes.NewValue(sch.Blocks["timeouts"].Type().TerraformType(ctx), nil),
	})}
}

// exclusiveModifyPlan calls r's ModifyPlan with the IDs of the state and the plan and returns its
// diagnostics.
func exclusiveModifyPlan(t *testing.T, r fwresource.ResourceWithModifyPlan, attribute, orgID string, state, planned []string) diag.Diagnostics {
	t.Helper()
	plan := exclusiveRaw(t, r, attribute, orgID, planned)
	prior := tfsdk.State(exclusiveRaw(t, r, attribute, orgID, state))
	req := fwresource.ModifyPlanRequest{Plan: plan, State: prior, Config: tfsdk.Config(plan)}
	resp := fwresource.ModifyPlanResponse{Plan: plan}
	emptyPrivate(&req.Private)
	emptyPrivate(&resp.Private)
	r.ModifyPlan(testContext(t), req, &resp)
	return resp.Diagnostics
}

// exclusiveUpdate calls r's Update with the IDs of the state and the plan and returns the IDs it
// records and its diagnostics.
func exclusiveUpdate(t *testing.T, r fwresource.Resource, attribute, orgID string, state, planned []string) ([]string, diag.Diagnostics) {
	t.Helper()
	plan := exclusiveRaw(t, r, attribute, orgID, planned)
	prior := tfsdk.State(exclusiveRaw(t, r, attribute, orgID, state))
	req := fwresource.UpdateRequest{Plan: plan, State: prior, Config: tfsdk.Config(plan)}
	resp := fwresource.UpdateResponse{State: prior}
	emptyPrivate(&req.Private)
	emptyPrivate(&resp.Private)
	r.Update(testContext(t), req, &resp)
	var recorded types.List
	if diags := resp.State.GetAttribute(testContext(t), path.Root(attribute), &recorded); diags.HasError() {
		t.Fatal(diags)
	}
	ids, _ := idsOf(recorded)
	return ids, resp.Diagnostics
}

// Apply checks the listed IDs again before the first removal, and a token that is no ADMIN removes
// nobody (the API's 202): Update called directly, as a plan made before the change would.
func TestOrgMembersExclusiveResource_update(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{})
	const maxID, olivia = emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID
	extra := inviteMembers(t, env.Admin, env.OrgID, "extra@example.com")[0]
	newResource := func(api *client.Client) *orgMembersExclusiveResource {
		return &orgMembersExclusiveResource{exclusiveResource[client.Member]{data: newProviderData(api, true), kind: orgMembersExclusive}}
	}

	t.Run("not a member", func(t *testing.T) {
		ids, diags := exclusiveUpdate(t, newResource(env.Admin), "user_ids", env.OrgID,
			[]string{maxID, olivia, extra}, []string{olivia, extra, "usr_nina"})
		wantOneError(t, diags, "Not members of the organization", "user_ids lists an ID that is not a member of organization "+
			"\"org_acme\":\n\n  - usr_nina\n\ninvent_org_members_exclusive never adds a member: invite each with an "+
			"invent_org_member and list its user_id, or take the ID out of user_ids. Nothing was removed.")
		if !slices.Equal(ids, []string{maxID, olivia, extra}) {
			t.Errorf("recorded %q, want the prior state", ids)
		}
		mustCheck(t, membersAre(t, env, emulator.DefaultAdminUserID, maxID, olivia, extra))
	})
	t.Run("no ADMIN token", func(t *testing.T) {
		// Max's own token: Max is implicit, and his removal of the extra member is only a request.
		ids, diags := exclusiveUpdate(t, newResource(env.Member), "user_ids", env.OrgID,
			[]string{olivia, extra}, []string{olivia})
		wantOneError(t, diags, "Cannot remove extra@example.com from the organization", "The API answered 202 Accepted: "+
			"the API token's user is not an ADMIN of organization \"org_acme\", so the API only sent a removal request to the "+
			"organization's admins and removed nobody. extra@example.com (user "+extra+") is still a member, Terraform keeps "+
			"it in user_ids, and no further member was removed.\n\nRemoving members needs an ADMIN token: run again with "+
			"the API token of an ADMIN of the organization.")
		if !slices.Equal(ids, []string{olivia, extra}) {
			t.Errorf("recorded %q, want the member that was not removed kept", ids)
		}
		mustCheck(t, membersAre(t, env, emulator.DefaultAdminUserID, maxID, olivia, extra))
	})
	t.Run("removes exactly what the plan showed", func(t *testing.T) {
		late := inviteMembers(t, env.Admin, env.OrgID, "late@example.com")[0] // not in the state: not removed
		ids, diags := exclusiveUpdate(t, newResource(env.Admin), "user_ids", env.OrgID,
			[]string{maxID, olivia, extra}, []string{olivia})
		if len(diags) != 0 || !slices.Equal(ids, []string{olivia}) {
			t.Errorf("recorded %q with %v", ids, diags)
		}
		mustCheck(t, membersAre(t, env, emulator.DefaultAdminUserID, olivia, late))
	})
}

// The warning's text, and the plan-time refusals, from ModifyPlan called directly.
func TestOrgMembersExclusiveResource_modifyPlan(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{})
	emu := env.Emulator
	const ada, maxID, olivia = emulator.DefaultAdminUserID, emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID
	// Each plan is of its own provider process: a second plan in one process would be a second claim.
	newResource := func() *orgMembersExclusiveResource {
		return &orgMembersExclusiveResource{exclusiveResource[client.Member]{data: newProviderData(env.Admin, true), kind: orgMembersExclusive}}
	}

	t.Run("warning", func(t *testing.T) {
		diags := exclusiveModifyPlan(t, newResource(), "user_ids", env.OrgID, []string{maxID, olivia}, []string{olivia})
		if len(diags) != 1 || diags.WarningsCount() != 1 || diags[0].Summary() != `1 member of organization "org_acme" will be removed` ||
			diags[0].Detail() != "Applying this plan will remove this member of organization \"org_acme\", which user_ids does not list:\n\n"+
				"  - max@acme.example (usr_max), role read\n\nTo keep one, add its ID to user_ids." {
			t.Errorf("got %v", diags)
		}
	})
	t.Run("no change, no request", func(t *testing.T) {
		emu.ResetStats()
		if diags := exclusiveModifyPlan(t, newResource(), "user_ids", env.OrgID, []string{maxID, olivia}, []string{olivia, maxID}); len(diags) != 0 {
			t.Errorf("got %v", diags)
		}
		if n := emu.Stats().Total; n != 0 {
			t.Errorf("a plan without changes made %d requests", n)
		}
	})
	t.Run("the own member is never removed", func(t *testing.T) {
		diags := exclusiveModifyPlan(t, newResource(), "user_ids", env.OrgID, []string{ada, maxID, olivia}, []string{maxID, olivia})
		if len(diags) != 1 || diags.WarningsCount() != 1 || diags[0].Summary() != "The API token's own member stays" ||
			diags[0].Detail() != "user_ids no longer lists ada@acme.example (usr_ada), role admin, so the plan shows it leaving "+
				"the list; but it is the API token's own member, which belongs to the set implicitly and is never removed. "+
				"It stays a member of organization \"org_acme\"." {
			t.Errorf("got %v", diags)
		}
	})
	t.Run("not a member", func(t *testing.T) {
		diags := exclusiveModifyPlan(t, newResource(), "user_ids", env.OrgID, []string{maxID, olivia}, []string{olivia, "usr_nina", "usr_omar"})
		wantOneError(t, diags, "Not members of the organization", "user_ids lists IDs that are not a member of organization "+
			"\"org_acme\":\n\n  - usr_nina\n  - usr_omar\n\ninvent_org_members_exclusive never adds a member: invite each with an "+
			"invent_org_member and list its user_id, or take the ID out of user_ids. Nothing is applied.")
	})
	t.Run("last admin", func(t *testing.T) {
		// With the token's own user demoted, Olivia is the only admin left.
		if err := emu.SetOrgRole(env.OrgID, ada, client.OrgRoleStaff); err != nil {
			t.Fatal(err)
		}
		diags := exclusiveModifyPlan(t, newResource(), "user_ids", env.OrgID, []string{maxID, olivia}, []string{maxID})
		wantOneError(t, diags, "Refusing to remove every admin of the organization", "This plan would leave organization "+
			"\"org_acme\" without an active member of content role admin: it removes olivia@acme.example (usr_olivia), and "+
			"no member it keeps is an ACTIVE admin (a DISABLED or INVITED admin cannot act). An organization must keep an "+
			"admin (the API refuses to remove the last one), and without one nobody could manage its members.\n\nKeep at "+
			"least one active admin in user_ids. Nothing is applied.")
	})
}

// unknownSetConfig declares a member for each of emails and sets the exclusive set of orgID to
// listed plus their user IDs, which are known only at apply: the whole list is unknown at plan time.
func unknownSetConfig(orgID string, listed []string, emails ...string) string {
	return fmt.Sprintf(`
resource "invent_org_member" "new" {
  for_each = toset(%s)
  org_id   = %q
  email    = each.key
  role     = "read"
}

resource "invent_org_members_exclusive" "all" {
  org_id   = %q
  user_ids = distinct(concat(%s, [for m in invent_org_member.new : m.user_id]))
}
`, hclStrings(emails), orgID, orgID, hclStrings(listed))
}

// A list known only at apply names, in the plan, every member the apply may remove: every one outside
// its known part. The plan fails when that worst case leaves no active admin, and the apply removes
// none but the members named.
func TestAccOrgMembersExclusive_unknownSet(t *testing.T) {
	env := newIsolatedTestEnv(t)
	cast := newExclusiveCast(t, env)
	ada, maxID, olivia := cast.admin.id, cast.max.id, cast.olivia.id
	// A second ACTIVE admin, which the token's user needs to step down: the emulator's Devon, made one
	// for the test, or the member token's user.
	devon := memberRef{"usr_devon", "devon@acme.example"}
	// demote and restore change the token's user's role outside Terraform.
	var demote, restore func() error
	if emu := env.Emulator; emu != nil {
		if err := emu.SetOrgRole(env.OrgID, devon.id, client.OrgRoleAdmin); err != nil {
			t.Fatal(err)
		}
		demote = func() error { return emu.SetOrgRole(env.OrgID, ada, client.OrgRoleStaff) }
		restore = func() error { return emu.SetOrgRole(env.OrgID, ada, client.OrgRoleAdmin) }
	} else {
		devon = memberRef{env.MemberUserID, env.MemberEmail}
		env.secondAdmin(t, env.OrgID)
		demote = func() error {
			_, err := env.Admin.UpdateMemberRole(testContext(t), env.OrgID, ada, client.RoleRead)
			return err
		}
		restore = func() error {
			_, err := env.Member.UpdateMemberRole(testContext(t), env.OrgID, ada, client.RoleAdmin)
			return err
		}
	}
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.skipUnlessVersion(skipBelowImportBlocks)
	ws.writeConfig(membersExclusiveConfig(env.OrgID, true, maxID, olivia, devon.id))
	ws.mustRun("apply", "-auto-approve")
	ws.writeConfig(unknownSetConfig(env.OrgID, []string{maxID}, env.newAddress()))

	// With the token's own user demoted, the worst case (Olivia and Devon removed) leaves no admin.
	if err := demote(); err != nil {
		t.Fatal(err)
	}
	refused := ws.run("plan")
	want := []string{
		`Error: Refusing to remove every admin of the organization`,
		fmt.Sprintf(`With user_ids known only at apply, this plan could leave organization %q without an active member `+
			`of content role admin: it may remove %s (%s), %s (%s), and no member it keeps is an ACTIVE admin`,
			env.OrgID, cast.olivia.email, olivia, devon.email, devon.id),
	}
	if refused.exitCode == 0 || !messageRegexp(want...).MatchString(refused.stderr) {
		t.Fatalf("the plan should refuse to remove every admin in the worst case, %q:\n%s", want, refused)
	}

	if err := restore(); err != nil {
		t.Fatal(err)
	}
	plan := ws.mustRun("plan")
	// Max too: the list's known part is empty, whatever the configuration writes into it.
	want = []string{
		`~ user_ids = [`, `- "` + maxID + `",`, `- "` + olivia + `",`, `- "` + devon.id + `",`, `] -> (known after apply)`,
		fmt.Sprintf(`Warning: Up to 3 members of organization %q may be removed`, env.OrgID),
		fmt.Sprintf(`user_ids is known only at apply, so this plan cannot tell which members the apply will remove. It may `+
			`remove any of these members of organization %q, which user_ids may leave out:`, env.OrgID),
		cast.max.listed("read"), cast.olivia.listed("admin"), devon.listed("admin"),
		`The apply removes only those that the final user_ids does not list, and nothing else.`,
	}
	if !messageRegexp(want...).MatchString(plan.stdout) || strings.Contains(plan.stdout, cast.admin.email) {
		t.Fatalf("the plan does not name every member the apply may remove, %q:\n%s", want, plan)
	}
	ws.mustRun("apply", "-auto-approve")
	newMember, _ := ws.stateResources("invent_org_member")[0]["user_id"].(string)
	mustCheck(t, membersAre(t, env, ada, maxID, newMember))
	ws.expectNoChanges()
}

// Dropping the token's own ID from user_ids shows in the diff, and the warning says that the member
// stays: Terraform accepts only the configured or the prior list as the plan of user_ids.
func TestAccOrgMembersExclusive_ownMemberStays(t *testing.T) {
	env := newIsolatedTestEnv(t)
	cast := newExclusiveCast(t, env)
	ada, maxID, olivia := cast.admin.id, cast.max.id, cast.olivia.id
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.skipUnlessVersion(skipBelowImportBlocks)
	ws.writeConfig(membersExclusiveConfig(env.OrgID, true, ada, maxID, olivia))
	ws.mustRun("apply", "-auto-approve")

	ws.writeConfig(membersExclusiveConfig(env.OrgID, false, maxID, olivia))
	plan := ws.mustRun("plan")
	want := []string{
		`- "` + ada + `",`,
		`Warning: The API token's own member stays`,
		fmt.Sprintf(`user_ids no longer lists %s (%s), role admin, so the plan shows it leaving the list; but `, cast.admin.email, ada) +
			`it is the API token's own member, which belongs to the set implicitly and is never removed. It stays a ` +
			fmt.Sprintf(`member of organization %q.`, env.OrgID),
	}
	if !messageRegexp(want...).MatchString(plan.stdout) || strings.Contains(plan.stdout, "will be removed") {
		t.Fatalf("the plan should say that the token's own member stays, %q:\n%s", want, plan)
	}
	ws.mustRun("apply", "-auto-approve")
	mustCheck(t, membersAre(t, env, ada, maxID, olivia))
	ws.expectNoChanges()
}

// The member kept implicitly is the one of the token that last applied the set: the same
// configuration run with another admin's token refuses to remove it, even after a refresh with that
// token, until user_ids lists it; the apply that lists it moves the record to the new token's user.
func TestAccOrgMembersExclusive_anotherToken(t *testing.T) {
	env := newIsolatedTestEnv(t)
	cast := newExclusiveCast(t, env)
	ada, maxID, olivia := cast.admin.id, cast.max.id, cast.olivia.id
	// Another admin with a token of its own: a CI user the test adds to the emulator, or the member
	// token's user, made an admin of the test's organization.
	ci, ciToken := memberRef{"usr_ci", "ci@acme.example"}, "invent-ci-token"
	if emu := env.Emulator; emu != nil {
		if err := emu.AddUser(emulator.FixtureUser{ID: ci.id, Name: "CI", Email: ci.email, Token: ciToken, TokenOrg: env.OrgID}); err != nil {
			t.Fatal(err)
		}
		if err := emu.SetOrgRole(env.OrgID, ci.id, client.OrgRoleAdmin); err != nil {
			t.Fatal(err)
		}
	} else {
		ci, ciToken = memberRef{env.MemberUserID, env.MemberEmail}, env.MemberToken
		env.secondAdmin(t, env.OrgID)
	}
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.skipUnlessVersion(skipBelowImportBlocks)
	ws.writeConfig(membersExclusiveConfig(env.OrgID, true, maxID, olivia, ci.id))
	ws.mustRun("apply", "-auto-approve")

	byCI := ws.withToken(ciToken)
	byCI.writeConfig(membersExclusiveConfig(env.OrgID, false, maxID, olivia, ci.id))
	want := []string{
		`Error: The member kept implicitly would be removed`,
		fmt.Sprintf(`invent_org_members_exclusive keeps a member of organization %q implicitly: %s `, env.OrgID, cast.admin.email) +
			fmt.Sprintf(`(%s), role admin, the API token's own member for the last create, import or update of this set, `, ada) +
			fmt.Sprintf(`which user_ids does not list. This run uses the API token of another user (%s), whose own member `, ci.id) +
			fmt.Sprintf(`is the one kept implicitly now, so %s would be removed.`, ada),
		fmt.Sprintf(`To keep it, add %q to user_ids: the next apply then records %s as the member kept implicitly. `, ada, ci.id) +
			`Or run with the API token that applied the set. Nothing is applied.`,
	}
	refused := byCI.run("plan")
	if refused.exitCode == 0 || !messageRegexp(want...).MatchString(refused.stderr) {
		t.Fatalf("the plan with another admin's token should refuse to remove the token user that applied the set, %q:\n%s", want, refused)
	}
	// A refresh with the other token does not move the record.
	byCI.mustRun("apply", "-refresh-only", "-auto-approve")
	if refused = byCI.run("plan"); refused.exitCode == 0 || !messageRegexp(want...).MatchString(refused.stderr) {
		t.Fatalf("after a refresh with another admin's token, its plan should still refuse, %q:\n%s", want, refused)
	}
	ws.expectNoChanges()
	mustCheck(t, membersAre(t, env, ada, maxID, olivia, ci.id))

	// Listed, Ada stays, and the record moves to the CI user: dropping Ada then removes her, and
	// dropping the CI user keeps it.
	byCI.writeConfig(membersExclusiveConfig(env.OrgID, false, maxID, olivia, ci.id, ada))
	byCI.mustRun("apply", "-auto-approve")
	mustCheck(t, membersAre(t, env, ada, maxID, olivia, ci.id))
	byCI.writeConfig(membersExclusiveConfig(env.OrgID, false, maxID, olivia))
	plan := byCI.mustRun("plan")
	stays := []string{`Warning: The API token's own member stays`, fmt.Sprintf(`user_ids no longer lists %s (%s), role admin`, ci.email, ci.id)}
	removed := []string{fmt.Sprintf(`Warning: 1 member of organization %q will be removed`, env.OrgID), cast.admin.listed("admin")}
	if !messageRegexp(stays...).MatchString(plan.stdout) || !messageRegexp(removed...).MatchString(plan.stdout) {
		t.Fatalf("the plan does not show %q and %q:\n%s", stays, removed, plan)
	}
	byCI.mustRun("apply", "-auto-approve")
	asCI := *env // Ada, whose token env.Admin holds, is no member now
	asCI.Admin = env.newClient(t, ciToken)
	mustCheck(t, membersAre(t, &asCI, maxID, olivia, ci.id))
	byCI.expectNoChanges()
}

// The last-admin check counts only ACTIVE admins: a DISABLED or an INVITED admin cannot act, and the
// API refuses to remove the last active one.
func TestAccOrgMembersExclusive_onlyActiveAdminsCount(t *testing.T) {
	env := newIsolatedTestEnv(t)
	ctx := testContext(t)
	// The organization, the members user_ids lists (a DISABLED admin and an INVITED one among them)
	// and the one ACTIVE admin outside it. The emulator's Acme Retail has Ada (ADMIN), Max (STAFF) and
	// Sam (DISABLED); the test makes Sam, an invited address and Olivia ADMINs, and Ada STAFF. The test's
	// own organization of a live account gets an invited reader, an invited admin and the member
	// token's user as its ACTIVE admin, and the token's user steps down: the API makes no DISABLED
	// member.
	org, removed := emulator.DefaultSoleAdminSubOrgID, memberRef{emulator.DefaultOwnerUserID, "olivia@acme.example"}
	var listed []string
	if emu := env.Emulator; emu != nil {
		const sam = "usr_sam"
		invited := inviteMembers(t, env.Admin, org, "pending.admin@example.com")[0]
		for user, role := range map[string]string{sam: client.OrgRoleAdmin, invited: client.OrgRoleAdmin, removed.id: client.OrgRoleAdmin, env.AdminUserID: client.OrgRoleStaff} {
			if err := emu.SetOrgRole(org, user, role); err != nil {
				t.Fatal(err)
			}
		}
		listed = []string{emulator.DefaultMemberUserID, sam, invited}
	} else {
		org, removed = env.OrgID, memberRef{env.MemberUserID, env.MemberEmail}
		cast := newExclusiveCast(t, env)
		env.secondAdmin(t, org)
		if _, err := env.Admin.UpdateMemberRole(ctx, org, env.AdminUserID, client.RoleRead); err != nil {
			t.Fatal(err)
		}
		listed = []string{cast.max.id, cast.olivia.id}
	}
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   env.providerConfig(membersExclusiveConfig(org, true, listed...)),
			PlanOnly: true,
			ExpectError: messageRegexp(`Refusing to remove every admin of the organization`,
				fmt.Sprintf(`This plan would leave organization %q without an active member of content role admin: `, org)+
					fmt.Sprintf(`it removes %s (%s), and no member it keeps is an ACTIVE admin (a DISABLED or `, removed.email, removed.id)+
					`INVITED admin cannot act).`),
		}},
	})
}

// The member recorded as kept implicitly, from private state: a plan with another user's token whose
// list is not fully known warns that it must stay listed, an update that would drop it refuses before
// removing anyone, an update that lists it records the new token's user, and Read neither shows it in
// user_ids nor changes the record.
func TestOrgMembersExclusiveResource_recordedMember(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{})
	ctx := testContext(t)
	const ada, maxID, olivia = emulator.DefaultAdminUserID, emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID
	r := &orgMembersExclusiveResource{exclusiveResource[client.Member]{data: newProviderData(env.Admin, true), kind: orgMembersExclusive}}
	recordedBy := func(private privateState) string {
		var diags diag.Diagnostics
		id := orgMembersExclusive.recorded(ctx, private, &diags)
		if diags.HasError() {
			t.Fatal(diags)
		}
		return id
	}
	// Olivia applied the set, and Ada's token runs now.
	withRecord := func(p privateState) {
		if diags := p.SetKey(ctx, implicitPrivateKey, []byte(`"`+olivia+`"`)); diags.HasError() {
			t.Fatal(diags)
		}
	}
	prior := tfsdk.State(exclusiveRaw(t, r, "user_ids", env.OrgID, []string{maxID}))

	t.Run("plan of a list not fully known", func(t *testing.T) {
		list := tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{
			tftypes.NewValue(tftypes.String, maxID), tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		})
		plan := exclusiveRawList(t, r, "user_ids", env.OrgID, list)
		req := fwresource.ModifyPlanRequest{Plan: plan, State: prior, Config: tfsdk.Config(plan)}
		resp := fwresource.ModifyPlanResponse{Plan: plan}
		emptyPrivate(&req.Private)
		emptyPrivate(&resp.Private)
		withRecord(req.Private)
		r.ModifyPlan(ctx, req, &resp)
		if len(resp.Diagnostics) != 1 || resp.Diagnostics.WarningsCount() != 1 ||
			resp.Diagnostics[0].Summary() != "The member kept implicitly must stay listed" ||
			resp.Diagnostics[0].Detail() != "olivia@acme.example (usr_olivia), role admin is kept implicitly, as the API "+
				"token's own member for the last create, import or update of this set, and this run uses the API token of "+
				"another user (usr_ada). user_ids is not fully known until apply: unless it then lists \"usr_olivia\", the "+
				"apply fails before it removes anything." {
			t.Errorf("got %v", resp.Diagnostics)
		}
	})
	update := func(t *testing.T, planned []string) (fwresource.UpdateResponse, diag.Diagnostics) {
		t.Helper()
		plan := exclusiveRaw(t, r, "user_ids", env.OrgID, planned)
		req := fwresource.UpdateRequest{Plan: plan, State: prior, Config: tfsdk.Config(plan)}
		resp := fwresource.UpdateResponse{State: prior}
		emptyPrivate(&req.Private)
		emptyPrivate(&resp.Private)
		withRecord(req.Private)
		withRecord(resp.Private) // the framework starts from the planned private state
		r.Update(ctx, req, &resp)
		return resp, resp.Diagnostics
	}
	t.Run("update that drops the recorded member", func(t *testing.T) {
		resp, diags := update(t, []string{maxID})
		wantOneError(t, diags, "The member kept implicitly would be removed", "invent_org_members_exclusive keeps a "+
			"member of organization \"org_acme\" implicitly: olivia@acme.example (usr_olivia), role admin, the API token's "+
			"own member for the last create, import or update of this set, which user_ids does not list. This run uses "+
			"the API token of another user (usr_ada), whose own member is the one kept implicitly now, so usr_olivia "+
			"would be removed.\n\nTo keep it, add \"usr_olivia\" to user_ids: the next apply then records usr_ada as the "+
			"member kept implicitly. Or run with the API token that applied the set. Nothing was removed.")
		if got := recordedBy(resp.Private); got != olivia {
			t.Errorf("recorded %q, want %q kept", got, olivia)
		}
		mustCheck(t, membersAre(t, env, ada, maxID, olivia))
	})
	t.Run("update that lists it", func(t *testing.T) {
		resp, diags := update(t, []string{maxID, olivia})
		if diags.HasError() {
			t.Fatal(diags)
		}
		if got := recordedBy(resp.Private); got != ada {
			t.Errorf("recorded %q, want the token's user %q", got, ada)
		}
	})
	t.Run("read", func(t *testing.T) {
		req := fwresource.ReadRequest{State: prior}
		resp := fwresource.ReadResponse{State: prior}
		emptyPrivate(&req.Private)
		emptyPrivate(&resp.Private)
		withRecord(req.Private)
		withRecord(resp.Private) // the framework starts from the prior private state
		r.Read(ctx, req, &resp)
		var ids types.List
		resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("user_ids"), &ids)...)
		if resp.Diagnostics.HasError() {
			t.Fatal(resp.Diagnostics)
		}
		if got, _ := idsOf(ids); !slices.Equal(got, []string{maxID}) {
			t.Errorf("user_ids %q, want neither the token's user nor the recorded member", got)
		}
		if got := recordedBy(resp.Private); got != olivia {
			t.Errorf("recorded %q after Read, want %q", got, olivia)
		}
	})
}
