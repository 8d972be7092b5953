package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// twoClaimsError is the plan's error for a second exclusive resource of resourceType on organization
// orgID; spelledC when one of the two wrote "c".
func twoClaimsError(resourceType, many, done, orgID string, spelledC bool) []string {
	spelled := ""
	if spelledC {
		spelled = ` (written "c" in one of them)`
	}
	return []string{
		fmt.Sprintf(`Two %s resources claim one organization`, resourceType),
		fmt.Sprintf(`Another %s planned with this provider configuration also declares the complete set of %s of `+
			`organization %q%s. Each would plan the other's %s to be %s, and the order of the apply would `+
			`decide which stay.`, resourceType, many, orgID, spelled, many, done),
		fmt.Sprintf(`Declare each organization's %s in one %s. Nothing is applied.`, many, resourceType),
	}
}

// Two exclusive resources of one kind on one organization fail the plan, however the organization is
// written and whether they are two resources or two instances of one; nothing is applied. One
// resource replaced (planned twice by Terraform) is one claim.
func TestAccExclusive_twoClaims(t *testing.T) {
	env := newIsolatedTestEnv(t)
	// The cases that write "c" need it to name the organization of the exclusive resource. Against a
	// live account that is the token's own organization, where no exclusive resource may go: there
	// they run against an emulator.
	shorthand := env
	if env.live != nil {
		shorthand = newEmulatorEnv(t, emulator.Options{})
	}
	members := fmt.Sprintf("[%q, %q]", emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID)
	membersPair := fmt.Sprintf(`
resource "invent_org_members_exclusive" "by_shorthand" {
  org_id   = "c"
  user_ids = %[1]s
}

resource "invent_org_members_exclusive" "by_id" {
  org_id   = %[2]q
  user_ids = %[1]s
}
`, members, shorthand.OrgID)
	link := createLink(t, env, client.RoleRead, "")
	linksForEach := fmt.Sprintf(`
resource "invent_invite_links_exclusive" "all" {
  for_each   = toset(["a", "b"])
  org_id     = %q
  invite_ids = [%q]
}
`, env.OrgID, link)
	expectPlanErrors(t, map[string]planErrorCase{
		"c and the organization's ID": {shorthand.providerConfig(membersPair),
			messageRegexp(twoClaimsError("invent_org_members_exclusive", "members", "removed", shorthand.OrgID, true)...)},
		"two instances": {env.providerConfig(linksForEach),
			messageRegexp(twoClaimsError("invent_invite_links_exclusive", "invite links", "revoked", env.OrgID, false)...)},
	})

	t.Run("a replacement is one claim", func(t *testing.T) {
		parallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: shorthand.providerConfig(membersExclusiveConfig("c", false, emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID))},
				{
					// org_id spelled otherwise replaces the resource: Terraform plans it with its prior
					// state, then as a create.
					Config: shorthand.providerConfig(membersExclusiveConfig(shorthand.OrgID, false, emulator.DefaultMemberUserID, emulator.DefaultOwnerUserID)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(membersExclusiveAddr, plancheck.ResourceActionReplace),
					}},
				},
			},
		})
	})
	t.Run("a forced replacement is one claim", func(t *testing.T) {
		ws := newCLIWorkspace(t, env.URL, env.AdminToken)
		ws.writeConfig(linksExclusiveConfig(env.OrgID, false, link))
		ws.mustRun("apply", "-auto-approve")
		run := ws.mustRun("apply", "-auto-approve", "-replace="+linksExclusiveAddr)
		if !strings.Contains(run.stdout, "1 added, 0 changed, 1 destroyed") {
			t.Fatalf("the forced replacement should apply:\n%s", run)
		}
	})
}
