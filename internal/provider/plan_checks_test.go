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

// noWrites fails when the API served anything but reads since its stats were last reset.
func noWrites(t *testing.T, counts requestCounts) {
	t.Helper()
	for route, n := range counts.Stats().ByRoute {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("the failed plan sent %d × %s", n, route)
		}
	}
}

// Each plan-time check fails `terraform plan` with its message and sends no write; the apply would
// have refused the same change.
func TestAccPlanChecks_failThePlan(t *testing.T) {
	// Each case is a function of the test's API, which tells its sub-organizations; before is
	// applied first (an import), when set.
	type planCheckCase struct {
		before, config string
		want           *regexp.Regexp
	}
	lastAdmin := func(env *testEnv, subOrgID, advice string) string { return lastAdminExplanation(subOrgID) + advice }
	cases := map[string]func(t *testing.T, env *testEnv) planCheckCase{
		"join a sub-organization of another organization": func(_ *testing.T, env *testEnv) planCheckCase {
			// The emulator's other organization; a live account's organization is no child of itself.
			other := emulator.DefaultOtherOrgID
			if env.live != nil {
				other = env.ParentOrgID
			}
			return planCheckCase{
				config: subOrgMembershipConfig(env.ParentOrgID, other, client.OrgRoleStaff),
				want: messageRegexp(`No such sub-organization`, fmt.Sprintf(`%q is not a sub-organization of organization %q: `+
					`invent API GET /orgs/%s/orgs/%s: 404 Not Found`, other, env.ParentOrgID, env.ParentOrgID, other)),
			}
		},
		"join a sub-organization the caller is a member of": func(t *testing.T, env *testEnv) planCheckCase {
			developer := env.developerSubOrgID(t)
			return planCheckCase{
				config: subOrgMembershipConfig(env.ParentOrgID, developer, client.OrgRoleManager),
				want: messageRegexp(`Already a member of the sub-organization`, fmt.Sprintf(`sub_org_id = %q`, developer),
					fmt.Sprintf(`The token's user %s is already a member of sub-organization %q with the role DEVELOPER.`, env.AdminEmail, developer),
					fmt.Sprintf(`terraform import invent_sub_org_membership.<name> "%s/%s"`, env.ParentOrgID, developer)),
			}
		},
		"step down as the last ADMIN": func(t *testing.T, env *testEnv) planCheckCase {
			sole := env.soleAdminSubOrgID(t)
			return planCheckCase{
				before: importedMembership(env.ParentOrgID, sole, client.OrgRoleAdmin),
				config: subOrgMembershipConfig(env.ParentOrgID, sole, client.OrgRoleDeveloper),
				want: messageRegexp(fmt.Sprintf(`Cannot step down in sub-organization %q`, sole),
					lastAdmin(env, sole, `, or keep role = "ADMIN".`)),
			}
		},
		"leave as the last ADMIN": func(t *testing.T, env *testEnv) planCheckCase {
			sole := env.soleAdminSubOrgID(t)
			return planCheckCase{
				before: importedMembership(env.ParentOrgID, sole, client.OrgRoleAdmin),
				want: messageRegexp(fmt.Sprintf(`Cannot leave sub-organization %q`, sole),
					lastAdmin(env, sole, `, then plan again; or, to stop managing the membership without leaving`)),
			}
		},
		"move away as the last ADMIN": func(t *testing.T, env *testEnv) planCheckCase {
			sole, joinable := env.soleAdminSubOrgID(t), env.joinableSubOrgID(t)
			return planCheckCase{
				before: importedMembership(env.ParentOrgID, sole, client.OrgRoleAdmin),
				config: subOrgMembershipConfig(env.ParentOrgID, joinable, client.OrgRoleAdmin),
				want: messageRegexp(fmt.Sprintf(`Cannot move the membership away from sub-organization %q`, sole),
					fmt.Sprintf(`sub_org_id = %q`, joinable), lastAdmin(env, sole, `, or keep org_id and sub_org_id: changing either replaces the membership`)),
			}
		},
		"respell org_id as the last ADMIN": func(t *testing.T, env *testEnv) planCheckCase {
			sole := env.soleAdminSubOrgID(t)
			return planCheckCase{
				before: importedMembership(env.ParentOrgID, sole, client.OrgRoleAdmin),
				config: subOrgMembershipConfig("c", sole, client.OrgRoleAdmin),
				want:   messageRegexp(fmt.Sprintf(`Cannot move the membership away from sub-organization %q`, sole), `org_id = "c"`),
			}
		},
		"invite a member, in other case": func(t *testing.T, env *testEnv) planCheckCase {
			env.memberJoins(t)
			written := mixedCase(env.MemberEmail)
			return planCheckCase{
				config: orgMemberConfig(env.OrgID, written, "read"),
				want: messageRegexp(`Already a member of the organization`,
					fmt.Sprintf(`%s is already a member of organization %q with the role read.`, written, env.OrgID),
					fmt.Sprintf(`terraform import invent_org_member.<name> "%s/%s"`, env.OrgID, written)),
			}
		},
	}
	for name, makeCase := range cases {
		t.Run(name, func(t *testing.T) {
			env := newIsolatedTestEnv(t)
			tc := makeCase(t, env)
			counts := env.counts()
			var steps []resource.TestStep
			if tc.before != "" {
				steps = append(steps, resource.TestStep{Config: env.providerConfig(tc.before)})
			}
			steps = append(steps,
				resource.TestStep{
					PreConfig:   counts.ResetStats,
					Config:      env.providerConfig(tc.config),
					PlanOnly:    true,
					ExpectError: tc.want,
				},
				resource.TestStep{
					// Nothing was written, and the state is as before. The end of the test may then
					// leave the sub-organization it imported the last ADMIN's membership of, which
					// now has another ADMIN.
					PreConfig: func() {
						noWrites(t, counts)
						if tc.before != "" {
							env.secondAdmin(t, env.soleAdminSubOrgID(t))
						}
					},
					Config:   env.providerConfig(tc.before),
					PlanOnly: true,
				},
			)
			versionChecks := skipBelowImportBlocks // for the import in before
			if tc.before == "" {
				versionChecks = nil
			}
			parallelTest(t, resource.TestCase{
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
	developer := env.developerSubOrgID(t)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      planChecksProvider(env, false) + subOrgMembershipConfig(env.ParentOrgID, developer, client.OrgRoleManager),
				ExpectError: messageRegexp(`Already a member of the sub-organization`),
			},
		},
	})
}

// TestAccPlanChecks_off for the last ADMIN's membership, which an import block adopts first.
func TestAccPlanChecks_offLastAdmin(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	sole := env.soleAdminSubOrgID(t)
	config := func(role string) string {
		return planChecksProvider(env, false) + subOrgMembershipConfig(env.ParentOrgID, sole, role)
	}
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: planChecksProvider(env, false) + importedMembership(env.ParentOrgID, sole, client.OrgRoleAdmin),
			},
			{
				Config: config(client.OrgRoleDeveloper),
				ExpectError: messageRegexp(fmt.Sprintf(`Cannot join sub-organization %q as DEVELOPER`, sole), `409 Conflict`,
					env.apiSays(fmt.Sprintf(`you are the last ADMIN of sub-organization %q`, sole))),
			},
			{
				Config:  config(client.OrgRoleAdmin),
				Destroy: true,
				ExpectError: messageRegexp(fmt.Sprintf(`Cannot leave sub-organization %q`, sole), `409 Conflict`,
					env.apiSays(fmt.Sprintf(`you are the last ADMIN of sub-organization %q and cannot leave it`, sole))),
			},
			{
				PreConfig: func() { env.secondAdmin(t, sole) },
				Config:    config(client.OrgRoleAdmin),
				PlanOnly:  true,
			},
		},
	})
}

// A plan without changes costs the same requests with the checks on as with them off: the checks
// run only for planned creates, updates, replacements and destroys.
func TestAccPlanChecks_unchangedPlanSendsNothing(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	counts := env.counts()
	body := importedMembership(env.ParentOrgID, env.developerSubOrgID(t), client.OrgRoleDeveloper) +
		orgMemberConfig(env.OrgID, env.newAddress(), "read")
	var withChecks map[string]int64
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: planChecksProvider(env, true) + body},
			{PreConfig: counts.ResetStats, Config: planChecksProvider(env, true) + body, PlanOnly: true},
			{
				PreConfig: func() {
					withChecks = counts.Stats().ByRoute
					counts.ResetStats()
				},
				Config:   planChecksProvider(env, false) + body,
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					if without := counts.Stats().ByRoute; !maps.Equal(withChecks, without) {
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
	env := newIsolatedTestEnv(t)
	// A sub-organization whose ADMINs besides the token's user are inactive: one the test adds to the
	// emulator, with a DISABLED and an INVITED one; the test's own of a live account, with an INVITED
	// one (the API makes no DISABLED member).
	subOrgID := env.OrgID
	if emu := env.Emulator; emu != nil {
		var err error
		subOrgID, err = emu.AddSubOrg(env.ParentOrgID, emulator.FixtureSubOrg{Name: "Acme Ops", Members: []emulator.FixtureMember{
			{UserID: emulator.DefaultAdminUserID, Role: client.OrgRoleAdmin},
			{UserID: emulator.DefaultOwnerUserID, Role: client.OrgRoleAdmin, Status: client.MemberStatusDisabled},
			{UserID: emulator.DefaultMemberUserID, Role: client.OrgRoleAdmin, Status: client.MemberStatusInvited},
		}})
		if err != nil {
			t.Fatal(err)
		}
	} else if _, err := env.Admin.InviteByEmail(testContext(t), subOrgID, client.InviteRequest{
		Emails: []client.InviteEmail{{Email: env.newAddress(), Role: client.RoleAdmin}},
	}); err != nil {
		t.Fatal(err)
	}
	explanation := lastAdminExplanation(subOrgID)
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.providerConfig(importedMembership(env.ParentOrgID, subOrgID, client.OrgRoleAdmin))},
			{
				Config:      env.providerConfig(""),
				PlanOnly:    true,
				ExpectError: messageRegexp(fmt.Sprintf(`Cannot leave sub-organization %q`, subOrgID), explanation),
			},
			{
				Config:      env.providerConfig(subOrgMembershipConfig(env.ParentOrgID, subOrgID, client.OrgRoleStaff)),
				PlanOnly:    true,
				ExpectError: messageRegexp(fmt.Sprintf(`Cannot step down in sub-organization %q`, subOrgID), `role = "STAFF"`, explanation),
			},
			{
				// With another ACTIVE ADMIN the token's user may leave: the end of the test does.
				PreConfig:          func() { env.secondAdmin(t, subOrgID) },
				Config:             env.providerConfig(""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
