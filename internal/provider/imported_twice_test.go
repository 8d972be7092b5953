package provider

import (
	"fmt"
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
	env := newTestEnv(t, emulator.Options{})
	ctx := testContext(t)
	link, err := env.Admin.CreateInviteLink(ctx, env.OrgID, client.NewInviteLinkRequest(client.RoleRead, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, config, want string
		unchanged          func() error
	}{{
		name: "invite link",
		config: fmt.Sprintf(`
resource "invent_invite_link" "a" {
  org_id = "c"
  role   = "read"
}
import {
  to = invent_invite_link.a
  id = "c/%[2]s"
}
resource "invent_invite_link" "b" {
  org_id = %[1]q
  role   = "edit"
}
import {
  to = invent_invite_link.b
  id = "%[1]s/%[2]s"
}
`, env.OrgID, link.ID),
		want: fmt.Sprintf(`both manage invite link …%s of organization %q`, client.InviteIDFingerprint(link.ID), env.OrgID),
		unchanged: func() error {
			got, err := env.Admin.GetInviteLink(ctx, env.OrgID, link.ID)
			if err == nil && got.EffectiveRole() != client.RoleRead {
				err = fmt.Errorf("the link's role is %v, want read", got.EffectiveRole())
			}
			return err
		},
	}, {
		name: "membership",
		config: fmt.Sprintf(`
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
`, env.OrgID, emulator.DefaultDeveloperSubOrgID),
		want: fmt.Sprintf(`membership in sub-organization %q of organization %q`, emulator.DefaultDeveloperSubOrgID, env.OrgID),
		unchanged: func() error {
			return checkRoleIn(t, env, emulator.DefaultDeveloperSubOrgID, client.OrgRoleDeveloper)(nil)
		},
	}, {
		name: "member",
		config: fmt.Sprintf(`
resource "invent_org_member" "a" {
  org_id = %[1]q
  email  = "max@acme.example"
  role   = "read"
}
import {
  to = invent_org_member.a
  id = "%[1]s/%[2]s"
}
resource "invent_org_member" "b" {
  org_id = %[1]q
  email  = "MAX@acme.example"
  role   = "edit"
}
import {
  to = invent_org_member.b
  id = "%[1]s/MAX@acme.example"
}
`, env.OrgID, emulator.DefaultMemberUserID),
		want: fmt.Sprintf(`(%s) of organization %q`, emulator.DefaultMemberUserID, env.OrgID),
		unchanged: func() error {
			got, err := env.Admin.GetMember(ctx, env.OrgID, emulator.DefaultMemberUserID)
			if err == nil && got.Role != client.RoleRead {
				err = fmt.Errorf("the member's role is %v, want read", got.Role)
			}
			return err
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   skipBelowImportBlocks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.providerConfig(tc.config),
					ExpectError: messageRegexp(`Two resources manage the same object`, tc.want),
				}},
				CheckDestroy: func(*terraform.State) error { return tc.unchanged() },
			})
		})
	}
}
