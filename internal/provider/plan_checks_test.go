package provider

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// planChecksProvider is the provider block with plan_checks set.
func planChecksProvider(env *testEnv, on bool) string {
	return fmt.Sprintf(`
provider "invent" {
  base_url    = %q
  api_token   = %q
  plan_checks = %t
}
`, env.URL, env.AdminToken, on)
}

// importedMembership is a membership of subOrgID in orgID with role, adopted by an import block.
func importedMembership(orgID, subOrgID, role string) string {
	return subOrgMembershipConfig(orgID, subOrgID, role) + fmt.Sprintf(`
import {
  to = %s
  id = "%s/%s"
}
`, subOrgMembershipAddr, orgID, subOrgID)
}

// secondRetailAdmin makes the fixture's owner an ADMIN of org_acme_retail, so that the token's user
// may leave it at the end of a test.
func secondRetailAdmin(t *testing.T, emu *emulator.Server) {
	t.Helper()
	if err := emu.SetOrgRole(emulator.DefaultSoleAdminSubOrgID, emulator.DefaultOwnerUserID, client.OrgRoleAdmin); err != nil {
		t.Fatal(err)
	}
}

// noWrites fails when the emulator served anything but reads since its stats were last reset.
func noWrites(t *testing.T, emu *emulator.Server) {
	t.Helper()
	for route, n := range emu.Stats().ByRoute {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("the failed plan sent %d × %s", n, route)
		}
	}
}

// lastAdminDetail is the explanation of a plan that would take the last ADMIN of the fixture's
// org_acme_retail, followed by advice.
func lastAdminDetail(advice string) string {
	return lastAdminExplanation(emulator.DefaultSoleAdminSubOrgID) + advice
}

// Each plan-time check fails `terraform plan` with its message and sends no write; the apply would
// have refused the same change.
func TestAccPlanChecks_failThePlan(t *testing.T) {
	retail := emulator.DefaultSoleAdminSubOrgID
	cases := map[string]struct {
		before string // applied first (an import), when set
		config string
		want   *regexp.Regexp
	}{
		"join a sub-organization of another organization": {
			config: subOrgMembershipConfig(emulator.DefaultParentOrgID, emulator.DefaultOtherOrgID, client.OrgRoleStaff),
			want: messageRegexp(`No such sub-organization`,
				`"org_globex" is not a sub-organization of organization "org_acme": invent API GET /orgs/org_acme/orgs/org_globex: 404 Not Found`),
		},
		"join a sub-organization the caller is a member of": {
			config: subOrgMembershipConfig(emulator.DefaultParentOrgID, emulator.DefaultDeveloperSubOrgID, client.OrgRoleManager),
			want: messageRegexp(`Already a member of the sub-organization`, `sub_org_id = "org_acme_labs"`,
				`The token's user ada@acme.example is already a member of sub-organization "org_acme_labs" with the role DEVELOPER.`,
				`terraform import invent_sub_org_membership.<name> "org_acme/org_acme_labs"`),
		},
		"step down as the last ADMIN": {
			before: importedMembership(emulator.DefaultParentOrgID, retail, client.OrgRoleAdmin),
			config: subOrgMembershipConfig(emulator.DefaultParentOrgID, retail, client.OrgRoleDeveloper),
			want: messageRegexp(`Cannot step down in sub-organization "org_acme_retail"`,
				lastAdminDetail(`, or keep role = "ADMIN".`)),
		},
		"leave as the last ADMIN": {
			before: importedMembership(emulator.DefaultParentOrgID, retail, client.OrgRoleAdmin),
			config: "",
			want: messageRegexp(`Cannot leave sub-organization "org_acme_retail"`,
				lastAdminDetail(`, then plan again; or, to stop managing the membership without leaving`)),
		},
		"move away as the last ADMIN": {
			before: importedMembership(emulator.DefaultParentOrgID, retail, client.OrgRoleAdmin),
			config: subOrgMembershipConfig(emulator.DefaultParentOrgID, emulator.DefaultJoinableSubOrgID, client.OrgRoleAdmin),
			want: messageRegexp(`Cannot move the membership away from sub-organization "org_acme_retail"`,
				`sub_org_id = "org_acme_emea"`, lastAdminDetail(`, or keep org_id and sub_org_id: changing either replaces the membership`)),
		},
		"respell org_id as the last ADMIN": {
			before: importedMembership(emulator.DefaultParentOrgID, retail, client.OrgRoleAdmin),
			config: subOrgMembershipConfig("c", retail, client.OrgRoleAdmin),
			want:   messageRegexp(`Cannot move the membership away from sub-organization "org_acme_retail"`, `org_id = "c"`),
		},
		"invite a member, in other case": {
			config: orgMemberConfig(emulator.DefaultParentOrgID, "Max@ACME.example", "read"),
			want: messageRegexp(`Already a member of the organization`,
				`Max@ACME.example is already a member of organization "org_acme" with the role read.`,
				`terraform import invent_org_member.<name> "org_acme/Max@ACME.example"`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			emu := env.needsEmulator(t)
			var steps []resource.TestStep
			if tc.before != "" {
				steps = append(steps, resource.TestStep{Config: env.providerConfig(tc.before)})
			}
			steps = append(steps,
				resource.TestStep{
					PreConfig:   emu.ResetStats,
					Config:      env.providerConfig(tc.config),
					PlanOnly:    true,
					ExpectError: tc.want,
				},
				resource.TestStep{
					// Nothing was written, and the state is as before. The end of the test may then
					// leave org_acme_retail, as it now has another ADMIN.
					PreConfig: func() {
						noWrites(t, emu)
						secondRetailAdmin(t, emu)
					},
					Config:   env.providerConfig(tc.before),
					PlanOnly: true,
				},
			)
			versionChecks := skipBelowImportBlocks // for the import in before
			if tc.before == "" {
				versionChecks = nil
			}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   versionChecks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    steps,
			})
		})
	}
}

// With plan_checks = false the plan sends no request for the checks, and the apply refuses the same
// changes with the API's own answer: a create of a membership that exists, here; the last ADMIN's
// step down and leave in TestAccPlanChecks_offLastAdmin.
func TestAccPlanChecks_off(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: planChecksProvider(env, false) +
					subOrgMembershipConfig(env.OrgID, emulator.DefaultDeveloperSubOrgID, client.OrgRoleManager),
				ExpectError: messageRegexp(`Already a member of the sub-organization`),
			},
		},
	})
}

// TestAccPlanChecks_off for the last ADMIN's membership, which an import block adopts first.
func TestAccPlanChecks_offLastAdmin(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: planChecksProvider(env, false) + importedMembership(env.OrgID, emulator.DefaultSoleAdminSubOrgID, client.OrgRoleAdmin),
			},
			{
				Config: planChecksProvider(env, false) +
					subOrgMembershipConfig(env.OrgID, emulator.DefaultSoleAdminSubOrgID, client.OrgRoleDeveloper),
				ExpectError: messageRegexp(`Cannot join sub-organization "org_acme_retail" as DEVELOPER`,
					`409 Conflict: you are the last ADMIN of sub-organization "org_acme_retail"`),
			},
			{
				Config:  planChecksProvider(env, false) + subOrgMembershipConfig(env.OrgID, emulator.DefaultSoleAdminSubOrgID, client.OrgRoleAdmin),
				Destroy: true,
				ExpectError: messageRegexp(`Cannot leave sub-organization "org_acme_retail"`,
					`409 Conflict: you are the last ADMIN of sub-organization "org_acme_retail" and cannot leave it`),
			},
			{
				PreConfig: func() { secondRetailAdmin(t, emu) },
				Config:    planChecksProvider(env, false) + subOrgMembershipConfig(env.OrgID, emulator.DefaultSoleAdminSubOrgID, client.OrgRoleAdmin),
				PlanOnly:  true,
			},
		},
	})
}

// A plan without changes costs the same requests with the checks on as with them off: the checks
// run only for planned creates, updates, replacements and destroys.
func TestAccPlanChecks_unchangedPlanSendsNothing(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	body := importedMembership(env.OrgID, emulator.DefaultDeveloperSubOrgID, client.OrgRoleDeveloper) +
		orgMemberConfig(env.OrgID, newHireEmail, "read")
	var withChecks map[string]int64
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: planChecksProvider(env, true) + body},
			{PreConfig: emu.ResetStats, Config: planChecksProvider(env, true) + body, PlanOnly: true},
			{
				PreConfig: func() {
					withChecks = emu.Stats().ByRoute
					emu.ResetStats()
				},
				Config:   planChecksProvider(env, false) + body,
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					if without := emu.Stats().ByRoute; !maps.Equal(withChecks, without) {
						t.Errorf("an unchanged plan's requests by route: %v with plan_checks, %v without", withChecks, without)
					}
				},
				Config:   planChecksProvider(env, true) + body,
				PlanOnly: true,
			},
		},
	})
}

// Only ACTIVE admins count: a DISABLED or INVITED ADMIN cannot act, so the token's user is the last
// ADMIN beside them, and the plan refuses to let it leave or step down, as the API would at apply.
func TestAccPlanChecks_inactiveAdminsDoNotCount(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	subOrgID, err := emu.AddSubOrg(env.OrgID, emulator.FixtureSubOrg{Name: "Acme Ops", Members: []emulator.FixtureMember{
		{UserID: emulator.DefaultAdminUserID, Role: client.OrgRoleAdmin},
		{UserID: emulator.DefaultOwnerUserID, Role: client.OrgRoleAdmin, Status: client.MemberStatusDisabled},
		{UserID: emulator.DefaultMemberUserID, Role: client.OrgRoleAdmin, Status: client.MemberStatusInvited},
	}})
	if err != nil {
		t.Fatal(err)
	}
	explanation := lastAdminExplanation(subOrgID)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.providerConfig(importedMembership(env.OrgID, subOrgID, client.OrgRoleAdmin))},
			{
				Config:      env.providerConfig(""),
				PlanOnly:    true,
				ExpectError: messageRegexp(fmt.Sprintf(`Cannot leave sub-organization %q`, subOrgID), explanation),
			},
			{
				Config:      env.providerConfig(subOrgMembershipConfig(env.OrgID, subOrgID, client.OrgRoleStaff)),
				PlanOnly:    true,
				ExpectError: messageRegexp(fmt.Sprintf(`Cannot step down in sub-organization %q`, subOrgID), `role = "STAFF"`, explanation),
			},
			{
				// With another ACTIVE ADMIN the token's user may leave: the end of the test does.
				PreConfig: func() {
					if err := emu.SetOrgRole(subOrgID, "usr_nina", client.OrgRoleAdmin); err != nil {
						t.Fatal(err)
					}
				},
				Config:             env.providerConfig(""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
