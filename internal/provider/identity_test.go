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
		config     func(env *testEnv) string
		identity   map[string]knownvalue.Check
	}{
		{
			name: "membership", addr: subOrgMembershipAddr,
			config: func(env *testEnv) string {
				return subOrgMembershipConfig(env.OrgID, emulator.DefaultJoinableSubOrgID, "STAFF")
			},
			identity: map[string]knownvalue.Check{
				"org_id": knownvalue.StringExact(emulator.DefaultParentOrgID), "sub_org_id": knownvalue.StringExact(emulator.DefaultJoinableSubOrgID),
			},
		},
		{
			name: "invite link", addr: inviteLinkAddr,
			config: func(env *testEnv) string {
				return inviteLinkConfig(env.OrgID, "read", fmt.Sprintf("space_id = %q", emulator.DefaultSpaceID))
			},
			identity: map[string]knownvalue.Check{"org_id": knownvalue.StringExact(emulator.DefaultParentOrgID), "invite_id": idPattern},
		},
		{
			name: "member", addr: orgMemberAddr,
			config: func(env *testEnv) string {
				return orgMemberConfig(env.OrgID, newHireEmail, "read")
			},
			identity: map[string]knownvalue.Check{"org_id": knownvalue.StringExact(emulator.DefaultParentOrgID), "user_id": idPattern},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			env.needsEmulator(t)
			config := env.providerConfig(tc.config(env))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   skipBelowIdentity,
				Steps: []resource.TestStep{
					{
						Config:            config,
						ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(tc.addr, tc.identity)},
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
	env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowIdentity,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(subOrgMembershipConfig("c", emulator.DefaultJoinableSubOrgID, "STAFF") +
				orgMemberConfig("c", newHireEmail, "read")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(subOrgMembershipAddr, map[string]knownvalue.Check{
					"org_id": knownvalue.StringExact(emulator.DefaultParentOrgID), "sub_org_id": knownvalue.StringExact(emulator.DefaultJoinableSubOrgID),
				}),
				statecheck.ExpectIdentityValue(orgMemberAddr, tfjsonpath.New("org_id"), knownvalue.StringExact(emulator.DefaultParentOrgID)),
			},
		}},
	})
}
