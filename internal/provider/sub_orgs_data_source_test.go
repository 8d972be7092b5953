package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// Every page is read, and every nested field arrives as the API sent it, nulls included. Expected
// values come from the API itself, so the test does not depend on the fixture's numbers.
func TestAccSubOrgsDataSource_allPages(t *testing.T) {
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: 250})
	env.needsEmulator(t, knobGeneratedSubOrgs)
	all, err := env.Admin.ListSubOrgs(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= 200 {
		t.Fatalf("the emulator lists %d sub-organizations; the test needs more than two pages of 100", len(all))
	}
	emeaIndex := subOrgIndex(t, all, emulator.DefaultJoinableSubOrgID)
	labsIndex := subOrgIndex(t, all, emulator.DefaultDeveloperSubOrgID)
	retailIndex := subOrgIndex(t, all, emulator.DefaultSoleAdminSubOrgID)
	emea, labs, retail := all[emeaIndex], all[labsIndex], all[retailIndex]
	if labs.Billing == nil || labs.Billing.PaymentMethod != nil {
		t.Fatalf("the test needs %s to have billing without a payment method", labs.ID)
	}
	last := len(all) - 1

	const address = "data.invent_sub_orgs.all"
	at := func(i int, keys ...string) tfjsonpath.Path {
		p := tfjsonpath.New("sub_orgs").AtSliceIndex(i)
		for _, k := range keys {
			p = p.AtMapKey(k)
		}
		return p
	}
	member := func(i int, keys ...string) tfjsonpath.Path {
		p := at(i, "members").AtSliceIndex(0)
		for _, k := range keys {
			p = p.AtMapKey(k)
		}
		return p
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(env.OrgID)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), knownvalue.ListSizeExact(len(all))),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), knownvalue.ListPartial(map[int]knownvalue.Check{
			0: knownvalue.StringExact(all[0].ID), emeaIndex: knownvalue.StringExact(emea.ID), last: knownvalue.StringExact(all[last].ID),
		})),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("sub_orgs"), knownvalue.ListSizeExact(len(all))),
		statecheck.ExpectKnownValue(address, at(last, "id"), knownvalue.StringExact(all[last].ID)),
		statecheck.ExpectKnownValue(address, at(last, "members"), knownvalue.ListSizeExact(len(all[last].Members))),

		statecheck.ExpectKnownValue(address, at(emeaIndex, "name"), knownvalue.StringExact(emea.Name)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "logo_url"), knownStringOrNull(emea.LogoURL)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "plan"), knownvalue.StringExact(emea.Plan)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "balance"), knownvalue.Float64Exact(emea.Balance)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "spending_cap_used"), knownvalue.Float64Exact(emea.SpendingCapUsed)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "created_at"), knownTimeOrNull(&emea.CreatedAt)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "billing", "auto_recharge", "enabled"), knownvalue.Bool(emea.Billing.AutoRecharge.Enabled)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "billing", "auto_recharge", "recharge_threshold"), knownvalue.Float64Exact(emea.Billing.AutoRecharge.RechargeThreshold)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "billing", "use_parent_balance"), knownvalue.Bool(*emea.Billing.UseParentBalance)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "billing", "spending_cap", "reset_at"), knownTimeOrNull(emea.Billing.SpendingCap.ResetAt)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "billing", "payment_method", "last4"), knownvalue.StringExact(emea.Billing.PaymentMethod.Last4)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "billing", "payment_method", "failed_message"), knownStringOrNull(emea.Billing.PaymentMethod.FailedMessage)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "billing", "last_out_of_balance_notification_at"), knownTimeOrNull(emea.Billing.LastOutOfBalanceNotificationAt)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "members"), knownvalue.ListSizeExact(len(emea.Members))),
		statecheck.ExpectKnownValue(address, member(emeaIndex, "email"), knownvalue.StringExact(emea.Members[0].Email)),
		statecheck.ExpectKnownValue(address, member(emeaIndex, "role"), knownvalue.StringExact(emea.Members[0].Role)),
		statecheck.ExpectKnownValue(address, member(emeaIndex, "seen_at"), knownTimeOrNull(emea.Members[0].SeenAt)),
		statecheck.ExpectKnownValue(address, member(emeaIndex, "preferences", "notifications", "assigned_to_me", "enabled"),
			knownvalue.Bool(emea.Members[0].Preferences.Notifications.AssignedToMe.Enabled)),
		statecheck.ExpectKnownValue(address, member(emeaIndex, "preferences", "notifications", "assigned_to_me", "notified_at"),
			knownTimeOrNull(emea.Members[0].Preferences.Notifications.AssignedToMe.NotifiedAt)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "features", "custom_domain"), knownvalue.Bool(*emea.Features.CustomDomain)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "features", "enterprise"), knownvalue.Bool(emea.Features.Enterprise)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "config", "address"), knownStringOrNull(emea.Config.Address)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "config", "access", "session_ttl_seconds"), knownvalue.Int64Exact(emea.Config.Access.SessionTTLSeconds)),
		statecheck.ExpectKnownValue(address, at(emeaIndex, "config", "modules", "enable_inbox"), knownvalue.Bool(emea.Config.Modules.EnableInbox)),

		statecheck.ExpectKnownValue(address, at(labsIndex, "billing", "payment_method"), knownvalue.Null()),
		statecheck.ExpectKnownValue(address, at(labsIndex, "logo_url"), knownStringOrNull(labs.LogoURL)),
		statecheck.ExpectKnownValue(address, at(labsIndex, "config", "email"), knownStringOrNull(labs.Config.Email)),

		statecheck.ExpectKnownValue(address, at(retailIndex, "billing", "payment_method", "failed_at"), knownTimeOrNull(retail.Billing.PaymentMethod.FailedAt)),
		statecheck.ExpectKnownValue(address, at(retailIndex, "billing", "payment_method", "failed_message"), knownStringOrNull(retail.Billing.PaymentMethod.FailedMessage)),
		statecheck.ExpectKnownValue(address, at(retailIndex, "members"), knownvalue.ListSizeExact(len(retail.Members))),
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            env.providerConfig(fmt.Sprintf(`data "invent_sub_orgs" "all" { org_id = %q }`, env.OrgID)),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccSubOrgsDataSource_nameRegex(t *testing.T) {
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: 5})
	// The pattern and the sub-organizations it matches, in the API's order: the emulator's three
	// Acme ones, or against a live account the test's own scratch one, whose name no other has.
	pattern, matched := "^Acme ", []string{emulator.DefaultJoinableSubOrgID, emulator.DefaultDeveloperSubOrgID, emulator.DefaultSoleAdminSubOrgID}
	if env.live != nil {
		so, err := env.Admin.GetSubOrg(testContext(t), env.ParentOrgID, env.isolate(t).OrgID)
		if err != nil {
			t.Fatal(err)
		}
		pattern, matched = "^"+regexp.QuoteMeta(so.Name)+"$", []string{so.ID}
	}
	ids := make([]knownvalue.Check, len(matched))
	for i, id := range matched {
		ids[i] = knownvalue.StringExact(id)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(fmt.Sprintf(`
data "invent_sub_orgs" "acme" {
  org_id     = %[1]q
  name_regex = %[2]q
}

data "invent_sub_orgs" "none" {
  org_id     = %[1]q
  name_regex = "^no such name$"
}
`, env.ParentOrgID, pattern)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.invent_sub_orgs.acme", tfjsonpath.New("ids"), knownvalue.ListExact(ids)),
				statecheck.ExpectKnownValue("data.invent_sub_orgs.acme", tfjsonpath.New("sub_orgs").AtSliceIndex(len(matched)-1).AtMapKey("id"),
					knownvalue.StringExact(matched[len(matched)-1])),
				statecheck.ExpectKnownValue("data.invent_sub_orgs.none", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.invent_sub_orgs.none", tfjsonpath.New("sub_orgs"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

// `c` names the token's own organization: the result is the one of the explicit ID.
func TestAccSubOrgsDataSource_tokenOrganization(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	same := []statecheck.StateCheck{
		statecheck.CompareValuePairs("data.invent_sub_orgs.own", tfjsonpath.New("ids"),
			"data.invent_sub_orgs.explicit", tfjsonpath.New("ids"), compare.ValuesSame()),
		statecheck.CompareValuePairs("data.invent_sub_orgs.own", tfjsonpath.New("sub_orgs"),
			"data.invent_sub_orgs.explicit", tfjsonpath.New("sub_orgs"), compare.ValuesSame()),
	}
	if env.live != nil {
		// Other tests change a live account's sub-organizations meanwhile: their members, and the
		// tests' own sub-organizations.
		same = []statecheck.StateCheck{sameSubOrgsBesidesTests{"data.invent_sub_orgs.own", "data.invent_sub_orgs.explicit"}}
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(fmt.Sprintf(`
data "invent_sub_orgs" "own" {
  org_id = "c"
}

data "invent_sub_orgs" "explicit" {
  org_id = %q
}
`, env.ParentOrgID)),
			ConfigStateChecks: append(same,
				statecheck.ExpectKnownValue("data.invent_sub_orgs.own", tfjsonpath.New("id"), knownvalue.StringExact("c")),
				statecheck.ExpectKnownValue("data.invent_sub_orgs.own", tfjsonpath.New("ids"), knownvalue.NotNull()),
			),
		}},
	})
}

// sameSubOrgsBesidesTests checks that two invent_sub_orgs list the same sub-organizations (ID and
// name), those of the tests (named tf-acc-) aside.
type sameSubOrgsBesidesTests struct{ a, b string }

func (c sameSubOrgsBesidesTests) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	listed := func(addr string) []string {
		var out []string
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address != addr {
				continue
			}
			subOrgs, _ := r.AttributeValues["sub_orgs"].([]any)
			for _, so := range subOrgs {
				attrs, _ := so.(map[string]any)
				if name, _ := attrs["name"].(string); !strings.HasPrefix(name, accPrefix) {
					out = append(out, fmt.Sprintf("%v %v", attrs["id"], name))
				}
			}
		}
		return out
	}
	if a, b := listed(c.a), listed(c.b); len(a) == 0 || !slices.Equal(a, b) {
		resp.Error = fmt.Errorf("%s lists %v, %s lists %v", c.a, a, c.b, b)
	}
}

func TestAccSubOrgsDataSource_errors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	// An organization the member token's user is no member of: the emulator's other one, or one of
	// the live account's sub-organizations.
	foreign := emulator.DefaultOtherOrgID
	if env.live != nil {
		foreign = env.memberlessSubOrgID(t)
	}
	cases := map[string]planErrorCase{
		"invalid regex": {
			config: env.providerConfig(fmt.Sprintf(`
data "invent_sub_orgs" "x" {
  org_id     = %q
  name_regex = "(acme"
}`, env.OrgID)),
			want: messageRegexp("Invalid regular expression",
				"name_regex must be a valid regular expression (RE2 syntax): error parsing regexp: missing closing ): `(acme`"),
		},
		"unknown organization": {
			config: env.providerConfig(`data "invent_sub_orgs" "x" { org_id = "org_nope" }`),
			want: messageRegexp(`Cannot list the sub-organizations of organization "org_nope"`,
				`404 Not Found`, env.apiSays(`organization "org_nope" not found`)),
		},
		"organization of which the caller is no member": {
			config: env.providerConfigWithToken(env.MemberToken,
				fmt.Sprintf(`data "invent_sub_orgs" "x" { org_id = %q }`, foreign)),
			want: messageRegexp(fmt.Sprintf(`Cannot list the sub-organizations of organization %q`, foreign),
				`403 Forbidden`, env.apiSays(fmt.Sprintf(`you are not a member of organization %q`, foreign))),
		},
	}
	expectPlanErrors(t, cases)
}

func subOrgIndex(t *testing.T, list []client.SubOrg, id string) int {
	t.Helper()
	for i, so := range list {
		if so.ID == id {
			return i
		}
	}
	t.Fatalf("sub-organization %s is not in the listing", id)
	return -1
}

// knownTimeOrNull expects the provider's rendering of an API time stamp, or null.
func knownTimeOrNull(at *time.Time) knownvalue.Check {
	if at == nil {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(at.UTC().Format(time.RFC3339Nano))
}

func knownStringOrNull(s *string) knownvalue.Check {
	if s == nil {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(*s)
}
