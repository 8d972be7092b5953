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

func mustCheck(t *testing.T, check resource.TestCheckFunc) {
	t.Helper()
	if err := check(nil); err != nil {
		t.Fatal(err)
	}
}

// Max is a member outside user_ids: the create refuses and removes nobody.
func TestAccOrgMembersExclusive_createRefused(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	const ada, maxID, olivia = emulator.DefaultAdminUserID, emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             membersAre(t, env, ada, maxID, olivia),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(membersExclusiveConfig(env.OrgID, false, olivia)),
				ExpectError: messageRegexp(`The organization has members outside user_ids`,
					`Organization "org_acme" has 1 member that user_ids does not list:`,
					`- max@acme.example (usr_max), role read`,
					`Creating invent_org_members_exclusive removes nothing: a create's plan has no prior state, `+
						`so it cannot show these as changes for review. Nothing was changed.`,
					`import { to = invent_org_members_exclusive.<name> id = "org_acme" }`),
			},
		},
	})
}

// Adopted by an import block, the resource removes exactly the members outside user_ids, never the
// token's own, and refuses IDs that are not members.
func TestAccOrgMembersExclusive_lifecycle(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	const ada, maxID, olivia = emulator.DefaultAdminUserID, emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID
	// Users of the directory, so that their IDs are known before they become members.
	const extra, extraEmail = "usr_extra", "extra@example.com"
	if err := emu.AddUser(emulator.FixtureUser{ID: extra, Name: "Extra", Email: extraEmail}); err != nil {
		t.Fatal(err)
	}
	userIDs := tfjsonpath.New("user_ids")
	var drifted string
	resource.ParallelTest(t, resource.TestCase{
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
				PreConfig: func() { drifted = inviteMembers(t, env.Admin, env.OrgID, "drifted@example.com")[0] },
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
				PreConfig: func() { inviteMembers(t, env.Admin, env.OrgID, extraEmail) },
				Config:    env.providerConfig(membersExclusiveConfig(env.OrgID, false, olivia, "usr_nina")),
				ExpectError: messageRegexp(`Not members of the organization`,
					`user_ids lists an ID that is not a member of organization "org_acme":`, `- usr_nina`,
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
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	const ada, olivia = emulator.DefaultAdminUserID, emulator.DefaultOwnerUserID
	emails := make([]string, 60)
	for i := range emails {
		emails[i] = fmt.Sprintf("extra%02d@example.com", i)
	}
	extras := inviteMembers(t, env.Admin, env.OrgID, emails...)
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.skipUnlessVersion(skipBelowImportBlocks)
	ws.writeConfig(membersExclusiveConfig(env.OrgID, true, olivia))

	plan := ws.mustRun("plan")
	want := []string{
		`Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.`,
		`Warning: 61 members of organization "org_acme" will be removed`,
		`Applying this plan will remove these members of organization "org_acme", which user_ids does not list:`,
		`- max@acme.example (usr_max), role read`,
		fmt.Sprintf(`- extra00@example.com (%s), role read`, extras[0]),
		fmt.Sprintf(`- extra48@example.com (%s), role read`, extras[48]),
		`and 11 more`,
		`To keep one, add its ID to user_ids.`,
	}
	if !messageRegexp(want...).MatchString(plan.stdout) {
		t.Fatalf("the plan does not show %q:\n%s", want, plan)
	}
	if strings.Contains(plan.stdout, "extra49@") || strings.Count(plan.stdout, "will be removed") != 1 {
		t.Fatalf("the plan's warning should list 50 members in one warning:\n%s", plan)
	}
	ws.mustRun("apply", "-auto-approve")
	mustCheck(t, membersAre(t, env, ada, olivia))
	ws.writeConfig(membersExclusiveConfig(env.OrgID, false, olivia))
	ws.expectNoChanges()

	late := inviteMembers(t, env.Admin, env.OrgID, "late@example.com")[0]
	if run := ws.mustRun("plan", "-refresh=false"); !strings.Contains(run.stdout, "No changes.") {
		t.Fatalf("a plan without refresh sees no drift, got:\n%s", run)
	}
	plan = ws.mustRun("plan")
	want = []string{
		`invent_org_members_exclusive.all will be updated in-place`, `- "` + late + `",`,
		`Warning: 1 member of organization "org_acme" will be removed`,
		fmt.Sprintf(`- late@example.com (%s), role read`, late),
	}
	if !messageRegexp(want...).MatchString(plan.stdout) {
		t.Fatalf("the plan does not show %q:\n%s", want, plan)
	}
	ws.mustRun("apply", "-auto-approve")
	mustCheck(t, membersAre(t, env, ada, olivia))

	invited := inviteMembers(t, env.Admin, env.OrgID, "after@example.com")
	ws.mustRun("destroy", "-auto-approve")
	mustCheck(t, membersAre(t, env, ada, olivia, invited[0]))
}

// 1,305 members are compared with one listing request per page of 1,000, and the plan finds no change.
func TestAccOrgMembersExclusive_scale(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	emails := make([]string, 1305)
	for i := range emails {
		emails[i] = fmt.Sprintf("member%04d@example.com", i)
	}
	ids := append(inviteMembers(t, env.Admin, env.OrgID, emails...), emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID)
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.writeConfig(membersExclusiveConfig(env.OrgID, false, ids...))
	ws.mustRun("apply", "-auto-approve")

	emu.ResetStats()
	ws.expectNoChanges()
	stats := emu.Stats()
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
	ctx := testContext(t)
	sch := resourceSchema(t, r)
	list, err := idList(ids).ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
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
	resp := fwresource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(testContext(t), fwresource.ModifyPlanRequest{Plan: plan, State: prior, Config: tfsdk.Config(plan)}, &resp)
	return resp.Diagnostics
}

// exclusiveUpdate calls r's Update with the IDs of the state and the plan and returns the IDs it
// records and its diagnostics.
func exclusiveUpdate(t *testing.T, r fwresource.Resource, attribute, orgID string, state, planned []string) ([]string, diag.Diagnostics) {
	t.Helper()
	plan := exclusiveRaw(t, r, attribute, orgID, planned)
	prior := tfsdk.State(exclusiveRaw(t, r, attribute, orgID, state))
	resp := fwresource.UpdateResponse{State: prior}
	r.Update(testContext(t), fwresource.UpdateRequest{Plan: plan, State: prior, Config: tfsdk.Config(plan)}, &resp)
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
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
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
		if env.Member == nil {
			t.Skip("needs INVENT_ACC_MEMBER_TOKEN")
		}
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
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	const ada, maxID, olivia = emulator.DefaultAdminUserID, emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID
	r := &orgMembersExclusiveResource{exclusiveResource[client.Member]{data: newProviderData(env.Admin, true), kind: orgMembersExclusive}}

	t.Run("warning", func(t *testing.T) {
		diags := exclusiveModifyPlan(t, r, "user_ids", env.OrgID, []string{maxID, olivia}, []string{olivia})
		if len(diags) != 1 || diags.WarningsCount() != 1 || diags[0].Summary() != `1 member of organization "org_acme" will be removed` ||
			diags[0].Detail() != "Applying this plan will remove this member of organization \"org_acme\", which user_ids does not list:\n\n"+
				"  - max@acme.example (usr_max), role read\n\nTo keep one, add its ID to user_ids." {
			t.Errorf("got %v", diags)
		}
	})
	t.Run("no change, no request", func(t *testing.T) {
		emu.ResetStats()
		if diags := exclusiveModifyPlan(t, r, "user_ids", env.OrgID, []string{maxID, olivia}, []string{olivia, maxID}); len(diags) != 0 {
			t.Errorf("got %v", diags)
		}
		if n := emu.Stats().Total; n != 0 {
			t.Errorf("a plan without changes made %d requests", n)
		}
	})
	t.Run("the own member is never removed", func(t *testing.T) {
		if diags := exclusiveModifyPlan(t, r, "user_ids", env.OrgID, []string{ada, maxID, olivia}, []string{maxID, olivia}); len(diags) != 0 {
			t.Errorf("got %v", diags)
		}
	})
	t.Run("not a member", func(t *testing.T) {
		diags := exclusiveModifyPlan(t, r, "user_ids", env.OrgID, []string{maxID, olivia}, []string{olivia, "usr_nina", "usr_omar"})
		wantOneError(t, diags, "Not members of the organization", "user_ids lists IDs that are not a member of organization "+
			"\"org_acme\":\n\n  - usr_nina\n  - usr_omar\n\ninvent_org_members_exclusive never adds a member: invite each with an "+
			"invent_org_member and list its user_id, or take the ID out of user_ids. Nothing is applied.")
	})
	t.Run("last admin", func(t *testing.T) {
		// With the token's own user demoted, Olivia is the only admin left.
		if err := emu.SetOrgRole(env.OrgID, ada, client.OrgRoleStaff); err != nil {
			t.Fatal(err)
		}
		r := &orgMembersExclusiveResource{exclusiveResource[client.Member]{data: newProviderData(env.Admin, true), kind: orgMembersExclusive}}
		diags := exclusiveModifyPlan(t, r, "user_ids", env.OrgID, []string{maxID, olivia}, []string{maxID})
		wantOneError(t, diags, "Refusing to remove every admin of the organization", "This plan would leave organization "+
			"\"org_acme\" without a member of content role admin: it removes olivia@acme.example (usr_olivia), and no member "+
			"it keeps is an admin. An organization must keep an admin (the API refuses to remove the last one), and without "+
			"one nobody could manage its members.\n\nKeep at least one admin in user_ids. Nothing is applied.")
	})
}
