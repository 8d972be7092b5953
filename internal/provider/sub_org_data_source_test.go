package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

func TestAccSubOrgDataSource_byIDAndName(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	ctx := testContext(t)
	emea, err := env.Admin.GetSubOrg(ctx, env.OrgID, emulator.DefaultJoinableSubOrgID)
	if err != nil {
		t.Fatal(err)
	}
	labs, err := env.Admin.GetSubOrg(ctx, env.OrgID, emulator.DefaultDeveloperSubOrgID)
	if err != nil {
		t.Fatal(err)
	}
	all, err := env.Admin.ListSubOrgs(ctx, env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	emeaIndex := subOrgIndex(t, all, emea.ID)

	// The single sub-organization has the same attributes, with the same values, as its element of
	// invent_sub_orgs.
	sameAsListed := func(attribute string) statecheck.StateCheck {
		return statecheck.CompareValuePairs("data.invent_sub_org.by_id", tfjsonpath.New(attribute),
			"data.invent_sub_orgs.all", tfjsonpath.New("sub_orgs").AtSliceIndex(emeaIndex).AtMapKey(attribute), compare.ValuesSame())
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.invent_sub_org.by_id", tfjsonpath.New("org_id"), knownvalue.StringExact(env.OrgID)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_id", tfjsonpath.New("name"), knownvalue.StringExact(emea.Name)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_id", tfjsonpath.New("plan"), knownvalue.StringExact(emea.Plan)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_id", tfjsonpath.New("members"), knownvalue.ListSizeExact(len(emea.Members))),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("id"), knownvalue.StringExact(labs.ID)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("name"), knownvalue.StringExact(labs.Name)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("plan"), knownvalue.StringExact(labs.Plan)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("members"), knownvalue.ListSizeExact(len(labs.Members))),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("billing").AtMapKey("payment_method"), knownvalue.Null()),
	}
	for _, attribute := range []string{"id", "name", "logo_url", "plan", "balance", "promo_balance", "spending_cap_used",
		"created_at", "billing", "members", "features", "config"} {
		checks = append(checks, sameAsListed(attribute))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(fmt.Sprintf(`
data "invent_sub_org" "by_id" {
  org_id = %[1]q
  id     = %[2]q
}

data "invent_sub_org" "by_name" {
  org_id = %[1]q
  name   = %[3]q
}

data "invent_sub_orgs" "all" {
  org_id = %[1]q
}
`, env.OrgID, emea.ID, labs.Name)),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccSubOrgDataSource_errors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	for _, id := range []string{"org_twin_a", "org_twin_b"} {
		if _, err := emu.AddSubOrg(env.OrgID, emulator.FixtureSubOrg{ID: id, Name: "Twin"}); err != nil {
			t.Fatal(err)
		}
	}
	const exactlyOne = "Exactly one of these attributes must be configured: [id,name]"
	lookUp := func(arguments string) string {
		return env.providerConfig(fmt.Sprintf(`
data "invent_sub_org" "x" {
  org_id = %q
  %s
}`, env.OrgID, arguments))
	}
	expectPlanErrors(t, map[string]planErrorCase{
		"no sub-organization of that name": {
			config: lookUp(`name = "Acme Nowhere"`),
			want: messageRegexp("Sub-organization not found",
				fmt.Sprintf(`Organization %q has no sub-organization named "Acme Nowhere" (names are matched exactly, case included).`, env.OrgID)),
		},
		"two sub-organizations of that name": {
			config: lookUp(`name = "Twin"`),
			want: messageRegexp("Ambiguous sub-organization name",
				fmt.Sprintf(`Organization %q has 2 sub-organizations named "Twin": org_twin_a, org_twin_b. Set id instead of name to choose one.`, env.OrgID)),
		},
		"unknown id": {
			config: lookUp(`id = "org_nope"`),
			want: messageRegexp("Sub-organization not found",
				fmt.Sprintf(`Organization %[1]q has no sub-organization with ID "org_nope", or the organization does not exist: `+
					`invent API GET /orgs/%[1]s/orgs/org_nope: 404 Not Found: sub-organization "org_nope" is not a child of organization %[1]q`, env.OrgID)),
		},
		"both id and name": {
			config: lookUp(`
  id   = "org_acme_emea"
  name = "Acme EMEA"`),
			want: messageRegexp("Invalid Attribute Combination", exactlyOne),
		},
		"neither id nor name": {
			config: lookUp(``),
			want:   messageRegexp("Missing Attribute Configuration", exactlyOne),
		},
	})
}
