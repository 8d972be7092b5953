package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

const linksExclusiveAddr = "invent_invite_links_exclusive.all"

// linksExclusiveConfig is the resource for orgID with inviteIDs, and an import block when imported.
func linksExclusiveConfig(orgID string, imported bool, inviteIDs ...string) string {
	return exclusiveTestConfig("invent_invite_links_exclusive", "invite_ids", orgID, imported, inviteIDs)
}

// createLink creates a link through the API, outside Terraform, and returns its ID: a link to the
// whole test organization, or to spaceID (a space of the token's organization) when set, which is
// revoked again when the test ends.
func createLink(t *testing.T, env *testEnv, role client.ContentRole, spaceID string) string {
	t.Helper()
	orgID := env.OrgID
	if spaceID != "" {
		orgID = env.ParentOrgID
	}
	link, err := env.Admin.CreateInviteLink(testContext(t), orgID, client.NewInviteLinkRequest(role, spaceID, ""))
	if err != nil {
		t.Fatalf("creating a link: %v", err)
	}
	if spaceID != "" {
		t.Cleanup(func() {
			ctx, cancel := cleanupContext()
			defer cancel()
			if _, err := env.Admin.DeleteInviteLink(ctx, orgID, link.ID); err != nil {
				t.Errorf("revoking the space link the test made: %v", err)
			}
		})
	}
	return link.ID
}

// linksAre checks through the API that the organization-wide links are exactly want, in any order.
func linksAre(t *testing.T, env *testEnv, want ...*string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		links, err := env.Admin.ListInviteLinks(testContext(t), env.OrgID)
		if err != nil {
			return err
		}
		var got, wanted []string
		for _, l := range links {
			got = append(got, l.ID)
		}
		for _, w := range want {
			wanted = append(wanted, *w)
		}
		slices.Sort(got)
		slices.Sort(wanted)
		if !slices.Equal(got, wanted) {
			return fmt.Errorf("the organization's links are %v, want %v", got, wanted)
		}
		return nil
	}
}

// Another link exists: the create refuses and revokes nothing.
func TestAccInviteLinksExclusive_createRefused(t *testing.T) {
	env := newIsolatedTestEnv(t)
	kept := createLink(t, env, client.RoleRead, "")
	other := createLink(t, env, client.RoleEdit, "")
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             linksAre(t, env, &kept, &other),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(linksExclusiveConfig(env.OrgID, false, kept)),
				ExpectError: messageRegexp(`The organization has invite links outside invite_ids`,
					fmt.Sprintf(`Organization %q has 1 invite link that invite_ids does not list:`, env.OrgID),
					fmt.Sprintf(`- %s, role edit`, client.MaskInviteID(other)),
					`Creating invent_invite_links_exclusive revokes nothing`,
					fmt.Sprintf(`import { to = invent_invite_links_exclusive.<name> id = %q }`, env.OrgID)),
			},
		},
	})
}

// Adopted by an import block, the resource revokes exactly the organization-wide links outside
// invite_ids, and refuses IDs that are not such links.
func TestAccInviteLinksExclusive_lifecycle(t *testing.T) {
	env := newIsolatedTestEnv(t)
	// Link IDs are the API's, so the configurations read them when each step runs.
	kept := createLink(t, env, client.RoleRead, "")
	other := createLink(t, env, client.RoleEdit, "")
	space := createLink(t, env, client.RoleGuest, env.spaceID())
	var extra string
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// Destroying the resource revokes nothing.
		CheckDestroy: linksAre(t, env, &kept, &extra),
		Steps: []resource.TestStep{
			{
				// Imported, the plan shows the other link's revocation; apply revokes exactly it, and
				// leaves the space link, which is not organization-wide, alone.
				PreConfig: func() { mustCheck(t, linksAre(t, env, &kept, &other)) },
				Config:    env.providerConfig(linksExclusiveConfig(env.OrgID, true, kept)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(linksExclusiveAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(linksExclusiveAddr, tfjsonpath.New("invite_ids"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(kept)})),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					linksAre(t, env, &kept),
					func(*terraform.State) error {
						_, err := env.Admin.GetInviteLink(testContext(t), env.ParentOrgID, space)
						return err
					},
				),
			},
			{
				// A link created outside Terraform shows in the next plan, and apply revokes it.
				PreConfig: func() { extra = createLink(t, env, client.RoleAdmin, "") },
				Config:    env.providerConfig(linksExclusiveConfig(env.OrgID, false, kept)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectOnlyChanges(linksExclusiveAddr, []string{"invite_ids"}, nil),
				}},
				Check: linksAre(t, env, &kept),
			},
			{
				// A space link, or an unknown ID, is refused before anything is revoked: the new link stays.
				PreConfig: func() { extra = createLink(t, env, client.RoleComment, "") },
				Config:    env.providerConfig(linksExclusiveConfig(env.OrgID, false, kept, space, "inv_unknown")),
				ExpectError: messageRegexp(`Not invite links of the organization`,
					fmt.Sprintf(`invite_ids lists IDs that are not an organization-wide invite link of organization %q:`, env.OrgID),
					`- `+client.MaskInviteID(space), `- …nown`,
					`Space and collection links are not organization-wide and do not belong here. Nothing is applied.`),
			},
		},
	})
}

// The warning names each link to be revoked with its role, through the real terraform CLI; a link
// created outside Terraform shows in the next refreshing plan only; destroy revokes nothing.
func TestAccInviteLinksExclusive_cli(t *testing.T) {
	env := newIsolatedTestEnv(t)
	kept := createLink(t, env, client.RoleRead, "")
	extras := []string{createLink(t, env, client.RoleEdit, ""), createLink(t, env, client.RoleGuest, "")}
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.skipUnlessVersion(skipBelowImportBlocks)
	ws.writeConfig(linksExclusiveConfig(env.OrgID, true, kept))

	plan := ws.mustRun("plan")
	want := []string{
		`Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.`,
		fmt.Sprintf(`Warning: 2 invite links of organization %q will be revoked`, env.OrgID),
		fmt.Sprintf(`Applying this plan will revoke these invite links of organization %q, which invite_ids does not list:`, env.OrgID),
		fmt.Sprintf(`- %s, role edit`, client.MaskInviteID(extras[0])),
		fmt.Sprintf(`- %s, role guest`, client.MaskInviteID(extras[1])),
		`To keep one, add its ID to invite_ids.`,
	}
	if !messageRegexp(want...).MatchString(plan.stdout) {
		t.Fatalf("the plan does not show %q:\n%s", want, plan)
	}
	ws.mustRun("apply", "-auto-approve")
	mustCheck(t, linksAre(t, env, &kept))
	ws.writeConfig(linksExclusiveConfig(env.OrgID, false, kept))
	ws.expectNoChanges()

	late := createLink(t, env, client.RoleCreate, "")
	if run := ws.mustRun("plan", "-refresh=false"); !strings.Contains(run.stdout, "No changes.") {
		t.Fatalf("a plan without refresh sees no drift, got:\n%s", run)
	}
	plan = ws.mustRun("plan")
	want = []string{
		`invent_invite_links_exclusive.all will be updated in-place`, `~ invite_ids = (sensitive value)`,
		fmt.Sprintf(`Warning: 1 invite link of organization %q will be revoked`, env.OrgID),
		fmt.Sprintf(`- %s, role create`, client.MaskInviteID(late)),
	}
	if !messageRegexp(want...).MatchString(plan.stdout) {
		t.Fatalf("the plan does not show %q:\n%s", want, plan)
	}
	ws.mustRun("apply", "-auto-approve")
	mustCheck(t, linksAre(t, env, &kept))

	after := createLink(t, env, client.RoleRead, "")
	ws.mustRun("destroy", "-auto-approve")
	mustCheck(t, linksAre(t, env, &kept, &after))
}

// A link revoked meanwhile is fine (204), and the warning of a plan made directly says so.
func TestInviteLinksExclusiveResource_modifyPlan(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{})
	kept := createLink(t, env, client.RoleRead, "")
	other := createLink(t, env, client.RoleEdit, "")
	r := &inviteLinksExclusiveResource{exclusiveResource[client.InviteLink]{data: newProviderData(env.Admin, true), kind: inviteLinksExclusive}}
	diags := exclusiveModifyPlan(t, r, "invite_ids", env.OrgID, []string{kept, other, "inv_gone"}, []string{kept})
	if len(diags) != 1 || diags.WarningsCount() != 1 || diags[0].Summary() != `2 invite links of organization "org_acme" will be revoked` ||
		diags[0].Detail() != "Applying this plan will revoke these invite links of organization \"org_acme\", which invite_ids does not list:\n\n"+
			"  - "+client.MaskInviteID(other)+", role edit\n  - …gone (already gone)\n\nTo keep one, add its ID to invite_ids." {
		t.Errorf("got %v", diags)
	}
}

// Malformed lists and import IDs of both exclusive resources are refused before any request.
func TestAccExclusive_badInput(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	expectPlanErrors(t, map[string]planErrorCase{
		"duplicate user ID": {env.providerConfig(membersExclusiveConfig(env.OrgID, false, "usr_max", "usr_olivia", "usr_max")),
			messageRegexp(`Duplicate ID`, `Attribute user_ids[2] lists "usr_max" again (first at user_ids[0]): list each ID once`)},
		"malformed invite ID": {env.providerConfig(linksExclusiveConfig(env.OrgID, false, "inv 1")),
			messageRegexp(`Invalid ID`, `Attribute invite_ids[0] must be an ID of letters, digits, '_' and '-' (its value is sensitive, so not shown)`)},
	})
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            env.providerConfig(linksExclusiveConfig(env.OrgID, false)),
			ResourceName:      linksExclusiveAddr,
			ImportState:       true,
			ImportStateIdFunc: func(*terraform.State) (string, error) { return "org_acme/inv_1", nil },
			ExpectError: messageRegexp(`Invalid import ID`, `the import ID of invent_invite_links_exclusive is the `+
				`organization's ID (letters, digits, '_' and '-', or "c" for the token's own organization); got "org_acme/inv_1"`),
		}},
	})
}

// A create that Create would refuse for certain (more links outside invite_ids than it has unknown
// elements) fails the plan, before anything else of the configuration is applied; when an unknown
// element might name the one link outside, the plan passes and the apply's check stays.
func TestAccInviteLinksExclusive_createRefusedAtPlan(t *testing.T) {
	env := newIsolatedTestEnv(t)
	outside := []string{createLink(t, env, client.RoleEdit, ""), createLink(t, env, client.RoleGuest, "")}
	config := env.providerConfig(fmt.Sprintf(`
resource "invent_invite_link" "new" {
  org_id = %[1]q
  role   = "read"
}

resource "invent_invite_links_exclusive" "all" {
  org_id     = %[1]q
  invite_ids = [invent_invite_link.new.id]
}
`, env.OrgID))
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   config,
				PlanOnly: true,
				ExpectError: messageRegexp(`The organization has invite links outside invite_ids`,
					fmt.Sprintf(`Organization %q has 2 invite links that invite_ids does not list:`, env.OrgID),
					fmt.Sprintf(`- %s, role edit`, client.MaskInviteID(outside[0])),
					fmt.Sprintf(`- %s, role guest`, client.MaskInviteID(outside[1])),
					`Creating invent_invite_links_exclusive revokes nothing: a create's plan has no prior state, so it `+
						`cannot show these as changes for review. Nothing is applied.`,
					fmt.Sprintf(`import { to = invent_invite_links_exclusive.<name> id = %q }`, env.OrgID)),
			},
			{
				// One link outside, one unknown ID: the apply decides (when it plans the resource again,
				// with the new link's ID known).
				PreConfig: func() {
					mustCheck(t, linksAre(t, env, &outside[0], &outside[1])) // nothing was created
					if _, err := env.Admin.DeleteInviteLink(testContext(t), env.OrgID, outside[1]); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ExpectError: messageRegexp(`The organization has invite links outside invite_ids`,
					fmt.Sprintf(`Organization %q has 1 invite link that invite_ids does not list:`, env.OrgID),
					fmt.Sprintf(`- %s, role edit`, client.MaskInviteID(outside[0]))),
			},
		},
	})
}
