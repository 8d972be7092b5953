package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

func TestAccSubOrgDataSource_byIDAndName(t *testing.T) {
	env := newIsolatedTestEnv(t)
	ctx := testContext(t)
	// Looked up by ID and by name: the emulator's Acme EMEA and Acme Labs (which has no payment
	// method); against a live account a joinable sub-organization and the test's own, whose name no
	// other has.
	byID, byName := env.joinableSubOrgID(t), emulator.DefaultDeveloperSubOrgID
	if env.live != nil {
		byName = env.OrgID
	}
	emea, err := env.Admin.GetSubOrg(ctx, env.ParentOrgID, byID)
	if err != nil {
		t.Fatal(err)
	}
	labs, err := env.Admin.GetSubOrg(ctx, env.ParentOrgID, byName)
	if err != nil {
		t.Fatal(err)
	}
	all, err := env.Admin.ListSubOrgs(ctx, env.ParentOrgID)
	if err != nil {
		t.Fatal(err)
	}
	emeaIndex := subOrgIndex(t, all, emea.ID)
	var paymentMethod knownvalue.Check = knownvalue.Null()
	if labs.Billing != nil && labs.Billing.PaymentMethod != nil {
		paymentMethod = knownvalue.NotNull()
	}

	// The single sub-organization has the same attributes, with the same values, as its element of
	// invent_sub_orgs.
	sameAsListed := func(attribute string) statecheck.StateCheck {
		return statecheck.CompareValuePairs("data.invent_sub_org.by_id", tfjsonpath.New(attribute),
			"data.invent_sub_orgs.all", tfjsonpath.New("sub_orgs").AtSliceIndex(emeaIndex).AtMapKey(attribute), compare.ValuesSame())
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.invent_sub_org.by_id", tfjsonpath.New("org_id"), knownvalue.StringExact(env.ParentOrgID)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_id", tfjsonpath.New("name"), knownvalue.StringExact(emea.Name)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_id", tfjsonpath.New("plan"), knownvalue.StringExact(emea.Plan)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_id", tfjsonpath.New("members"), knownvalue.ListSizeExact(len(emea.Members))),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("id"), knownvalue.StringExact(labs.ID)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("name"), knownvalue.StringExact(labs.Name)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("plan"), knownvalue.StringExact(labs.Plan)),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("members"), knownvalue.ListSizeExact(len(labs.Members))),
		statecheck.ExpectKnownValue("data.invent_sub_org.by_name", tfjsonpath.New("billing").AtMapKey("payment_method"), paymentMethod),
	}
	for _, attribute := range []string{"id", "name", "logo_url", "plan", "balance", "promo_balance", "spending_cap_used",
		"created_at", "billing", "members", "features", "config"} {
		checks = append(checks, sameAsListed(attribute))
	}
	parallelTest(t, resource.TestCase{
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
`, env.ParentOrgID, emea.ID, labs.Name)),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccSubOrgDataSource_errors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	twinName, twins := twinSubOrgs(t, env)
	const exactlyOne = "Exactly one of these attributes must be configured: [id,name]"
	lookUp := func(arguments string) string {
		return env.providerConfig(fmt.Sprintf(`
data "invent_sub_org" "x" {
  org_id = %q
  %s
}`, env.ParentOrgID, arguments))
	}
	expectPlanErrors(t, map[string]planErrorCase{
		"no sub-organization of that name": {
			config: lookUp(`name = "Acme Nowhere"`),
			want: messageRegexp("Sub-organization not found",
				fmt.Sprintf(`Organization %q has no sub-organization named "Acme Nowhere" (names are matched exactly, case included).`, env.ParentOrgID)),
		},
		"two sub-organizations of that name": {
			config: lookUp(fmt.Sprintf(`name = %q`, twinName)),
			want: messageRegexp("Ambiguous sub-organization name",
				fmt.Sprintf(`Organization %q has %d sub-organizations named %q: %s. Set id instead of name to choose one.`,
					env.ParentOrgID, len(twins), twinName, strings.Join(twins, ", "))),
		},
		"unknown id": {
			config: lookUp(`id = "org_nope"`),
			want: messageRegexp("Sub-organization not found",
				fmt.Sprintf(`Organization %[1]q has no sub-organization with ID "org_nope", or the organization does not exist: `+
					`invent API GET /orgs/%[1]s/orgs/org_nope: 404 Not Found`, env.ParentOrgID),
				env.apiSays(fmt.Sprintf(`sub-organization "org_nope" is not a child of organization %q`, env.ParentOrgID))),
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

// twinSubOrgs are two sub-organizations of the token's organization with one name, and that name, in
// the order the API lists them: two the test adds to the emulator, or two of a live account that the
// first run made.
func twinSubOrgs(t *testing.T, env *testEnv) (string, []string) {
	t.Helper()
	if emu := env.Emulator; emu != nil {
		twins := []string{"org_twin_a", "org_twin_b"}
		for _, id := range twins {
			if _, err := emu.AddSubOrg(env.ParentOrgID, emulator.FixtureSubOrg{ID: id, Name: "Twin"}); err != nil {
				t.Fatal(err)
			}
		}
		return "Twin", twins
	}
	ctx := testContext(t)
	twins, err := env.live.subOrgsNamed(ctx, twinOrgName)
	for err == nil && len(twins) < 2 {
		var so *client.SubOrg
		if so, err = env.live.admin.CreateSubOrg(ctx, env.ParentOrgID, twinOrgName); err == nil {
			twins = append(twins, so.ID)
		}
	}
	if err != nil {
		t.Fatalf("finding or making the sub-organizations named %s: %v", twinOrgName, err)
	}
	return twinOrgName, twins
}
