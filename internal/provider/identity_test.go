package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// Each resource records its identity, with org_id resolved when the configuration writes c, and an
// import block by identity adopts it with an empty plan after.
func TestAccIdentity_importBlockByIdentity(t *testing.T) {
	idPattern := knownvalue.StringRegexp(regexp.MustCompile(`^[a-zA-Z0-9_-]+$`))
	for _, tc := range []struct {
		name, addr string
		// config is the resource's configuration, and identity what its identity holds.
		config func(t *testing.T, env *testEnv) (string, map[string]knownvalue.Check)
	}{
		{
			name: "membership", addr: subOrgMembershipAddr,
			config: func(t *testing.T, env *testEnv) (string, map[string]knownvalue.Check) {
				subOrgID := env.joinableSubOrgID(t)
				return subOrgMembershipConfig(env.ParentOrgID, subOrgID, "STAFF"), map[string]knownvalue.Check{
					"org_id": knownvalue.StringExact(env.ParentOrgID), "sub_org_id": knownvalue.StringExact(subOrgID),
				}
			},
		},
		{
			name: "invite link", addr: inviteLinkAddr,
			config: func(_ *testing.T, env *testEnv) (string, map[string]knownvalue.Check) {
				return inviteLinkConfig(env.ParentOrgID, "read", fmt.Sprintf("space_id = %q", env.spaceID())),
					map[string]knownvalue.Check{"org_id": knownvalue.StringExact(env.ParentOrgID), "invite_id": idPattern}
			},
		},
		{
			name: "member", addr: orgMemberAddr,
			config: func(_ *testing.T, env *testEnv) (string, map[string]knownvalue.Check) {
				return orgMemberConfig(env.OrgID, env.newAddress(), "read"),
					map[string]knownvalue.Check{"org_id": knownvalue.StringExact(env.OrgID), "user_id": idPattern}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			body, identity := tc.config(t, env)
			config := env.providerConfig(body)
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   skipBelowIdentity,
				Steps: []resource.TestStep{
					{
						Config:            config,
						ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(tc.addr, identity)},
					},
					{
						ResourceName:    tc.addr,
						ImportState:     true,
						ImportStateKind: resource.ImportBlockWithResourceIdentity,
					},
					{
						Config:   config,
						PlanOnly: true,
					},
				},
			})
		})
	}
}

// org_id written as c is resolved in the identity: an object has one identity whatever the
// configuration wrote.
func TestAccIdentity_shorthandResolved(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	subOrgID := env.joinableSubOrgID(t)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowIdentity,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(subOrgMembershipConfig("c", subOrgID, "STAFF") +
				orgMemberConfig("c", env.newAddress(), "read")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(subOrgMembershipAddr, map[string]knownvalue.Check{
					"org_id": knownvalue.StringExact(env.ParentOrgID), "sub_org_id": knownvalue.StringExact(subOrgID),
				}),
				statecheck.ExpectIdentityValue(orgMemberAddr, tfjsonpath.New("org_id"), knownvalue.StringExact(env.ParentOrgID)),
			},
		}},
	})
}
