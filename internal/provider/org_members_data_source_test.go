package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// More members than one page of the listing holds (1,000), so every filter below spans pages.
const bulkMembers = 1050

// addBulkMembers adds n members with the content role read, named "Bulk 0001"... and addressed
// bulk0001@bulk.example..., straight into the emulator.
func addBulkMembers(t *testing.T, emu *emulator.Server, orgID string, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		u := emulator.FixtureUser{
			ID: fmt.Sprintf("usr_bulk_%04d", i), Name: fmt.Sprintf("Bulk %04d", i), Email: fmt.Sprintf("bulk%04d@bulk.example", i),
		}
		if err := emu.AddUser(u); err != nil {
			t.Fatal(err)
		}
		if err := emu.SetOrgRole(orgID, u.ID, client.OrgRoleStaff); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAccOrgMembersDataSource_filtersOverPages(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	addBulkMembers(t, env.needsEmulator(t, knobSetup+" (members without an invitation each)"), env.OrgID, bulkMembers)
	// One listing spans pages with both filters; the small ones catch a filter the API ignored
	// (without the role filter "admins" would list everyone, without the search "bulk" would also
	// list max@acme.example, who reads too).
	filters := map[string]client.MemberFilter{
		"bulk":   {Role: client.RoleRead, Search: "BULK"},
		"admins": {Role: client.RoleAdmin},
		"max":    {Search: "max@acme"},
	}
	config := ""
	checks := []statecheck.StateCheck{}
	for name, f := range filters {
		config += fmt.Sprintf(`
data "invent_org_members" %q {
  org_id = %q
  role   = %s
  search = %s
}
`, name, env.OrgID, hclStringOrNull(string(f.Role)), hclStringOrNull(f.Search))
		want, err := env.Admin.ListMembers(testContext(t), env.OrgID, f)
		if err != nil {
			t.Fatal(err)
		}
		checks = append(checks, statecheck.ExpectKnownValue("data.invent_org_members."+name,
			tfjsonpath.New("members"), knownvalue.ListSizeExact(len(want))))
	}
	checks = append(checks,
		statecheck.ExpectKnownValue("data.invent_org_members.max", tfjsonpath.New("id"), knownvalue.StringExact(env.OrgID)),
		statecheck.ExpectKnownValue("data.invent_org_members.max", tfjsonpath.New("members"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"user_id":      knownvalue.StringExact(emulator.DefaultMemberUserID),
				"email":        knownvalue.StringExact("max@acme.example"),
				"display_name": knownvalue.StringExact("Max Member"),
				"role":         knownvalue.StringExact("read"),
				"status":       knownvalue.StringExact(client.MemberStatusActive),
				"sso":          knownvalue.Bool(false),
				"disabled":     knownvalue.Bool(false),
				"joined_at":    knownvalue.StringExact("2023-03-01T09:00:00Z"),
			}),
		})),
		// The sizes the API reports, written down so that a filter the API ignored cannot pass.
		statecheck.ExpectKnownValue("data.invent_org_members.admins", tfjsonpath.New("members"), knownvalue.ListSizeExact(2)),
		statecheck.ExpectKnownValue("data.invent_org_members.bulk", tfjsonpath.New("members"), knownvalue.ListSizeExact(bulkMembers)),
		statecheck.ExpectKnownValue("data.invent_org_members.bulk", tfjsonpath.New("members").AtSliceIndex(bulkMembers-1).AtMapKey("email"),
			knownvalue.StringExact(fmt.Sprintf("bulk%04d@bulk.example", bulkMembers))),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: env.providerConfig(config), ConfigStateChecks: checks}},
	})
}

func TestAccOrgMembersDataSource_invalidRole(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(fmt.Sprintf(`
data "invent_org_members" "test" {
  org_id = %q
  role   = "Admin"
}
`, env.OrgID)),
			ExpectError: messageRegexp(contentRoleError("Admin")),
		}},
	})
}

// hclStringOrNull is s as an HCL string, or null when it is empty.
func hclStringOrNull(s string) string {
	if s == "" {
		return "null"
	}
	return fmt.Sprintf("%q", s)
}
