package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// TestAccImportedTwice_refusedAtPlan: one object imported by two resources with different
// roles (a link and a membership under "c" and under the organization's ID, a member by user ID and
// by address in other case). Each apply would set its own role and the next plan the other's,
// forever, and destroying either would remove the object under the other: the plan fails naming the
// object, and the API keeps the role it had.
func TestAccImportedTwice_refusedAtPlan(t *testing.T) {
	// Each case makes its object and returns the configuration, the error it wants and the check
	// that the API kept the role. Against a live account the link is a space link of the test's own
	// (the organization links of the token's organization are not the tests'), the membership one of
	// a joinable sub-organization, and the member the member token's user in a scratch organization.
	cases := []struct {
		name  string
		setup func(t *testing.T, env *testEnv) (config, want string, unchanged func() error)
	}{{
		name: "invite link",
		setup: func(t *testing.T, env *testEnv) (string, string, func() error) {
			ctx := testContext(t)
			link, err := env.Admin.CreateInviteLink(ctx, env.OrgID, client.NewInviteLinkRequest(client.RoleRead, env.spaceID(), ""))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := cleanupContext()
				defer cancel()
				if _, err := env.Admin.DeleteInviteLink(ctx, env.OrgID, link.ID); err != nil {
					t.Errorf("revoking the test's link: %v", err)
				}
			})
			return fmt.Sprintf(`
resource "invent_invite_link" "a" {
  org_id   = "c"
  role     = "read"
  space_id = %[3]q
}
import {
  to = invent_invite_link.a
  id = "c/%[2]s"
}
resource "invent_invite_link" "b" {
  org_id   = %[1]q
  role     = "edit"
  space_id = %[3]q
}
import {
  to = invent_invite_link.b
  id = "%[1]s/%[2]s"
}
`, env.OrgID, link.ID, env.spaceID()),
				fmt.Sprintf(`both manage invite link …%s of organization %q`, client.InviteIDFingerprint(link.ID), env.OrgID),
				func() error {
					got, err := env.Admin.GetInviteLink(ctx, env.OrgID, link.ID)
					if err == nil && got.EffectiveRole() != client.RoleRead {
						err = fmt.Errorf("the link's role is %v, want read", got.EffectiveRole())
					}
					return err
				}
		},
	}, {
		name: "membership",
		setup: func(t *testing.T, env *testEnv) (string, string, func() error) {
			subOrgID := env.developerSubOrgID(t)
			return fmt.Sprintf(`
resource "invent_sub_org_membership" "a" {
  org_id     = "c"
  sub_org_id = %[2]q
  role       = "DEVELOPER"
}
import {
  to = invent_sub_org_membership.a
  id = "c/%[2]s"
}
resource "invent_sub_org_membership" "b" {
  org_id     = %[1]q
  sub_org_id = %[2]q
  role       = "STAFF"
}
import {
  to = invent_sub_org_membership.b
  id = "%[1]s/%[2]s"
}
`, env.ParentOrgID, subOrgID),
				fmt.Sprintf(`membership in sub-organization %q of organization %q`, subOrgID, env.ParentOrgID),
				func() error { return checkRoleIn(t, env, subOrgID, client.OrgRoleDeveloper)(nil) }
		},
	}, {
		name: "member",
		setup: func(t *testing.T, env *testEnv) (string, string, func() error) {
			env = env.isolate(t)
			env.memberJoins(t)
			ctx := testContext(t)
			user, err := env.Member.CurrentUser(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf(`
resource "invent_org_member" "a" {
  org_id = %[1]q
  email  = %[3]q
  role   = "read"
}
import {
  to = invent_org_member.a
  id = "%[1]s/%[2]s"
}
resource "invent_org_member" "b" {
  org_id = %[1]q
  email  = %[4]q
  role   = "edit"
}
import {
  to = invent_org_member.b
  id = "%[1]s/%[4]s"
}
`, env.OrgID, user.ID, user.Email, strings.ToUpper(user.Email)),
				fmt.Sprintf(`(%s) of organization %q`, user.ID, env.OrgID),
				func() error {
					got, err := env.Admin.GetMember(ctx, env.OrgID, user.ID)
					if err == nil && got.Role != client.RoleRead {
						err = fmt.Errorf("the member's role is %v, want read", got.Role)
					}
					return err
				}
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			config, want, unchanged := tc.setup(t, env)
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   skipBelowImportBlocks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.providerConfig(config),
					ExpectError: messageRegexp(`Two resources manage the same object`, want),
				}},
				CheckDestroy: func(*terraform.State) error { return unchanged() },
			})
		})
	}
}
