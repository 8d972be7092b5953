package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/sync/errgroup"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

const inviteLinksAddr = "data.invent_invite_links.all"

func inviteLinksConfig(orgID, dependsOn string) string {
	return fmt.Sprintf(`
data "invent_invite_links" "all" {
  org_id     = %q
  depends_on = [%s]
}
`, orgID, dependsOn)
}

// createInviteLinks creates n organization links through the API, cycling through every role.
func createInviteLinks(t *testing.T, env *testEnv, n int) {
	t.Helper()
	ctx := testContext(t)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range n {
		role := client.ContentRoles[i%len(client.ContentRoles)]
		g.Go(func() error {
			_, err := env.Admin.CreateInviteLink(gctx, env.OrgID, client.NewInviteLinkRequest(role, "", ""))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("creating invite links: %v", err)
	}
}

// More links than one page of the largest size (1,000): the data source reads every page.
func TestAccInviteLinksDataSource_everyPage(t *testing.T) {
	env := newIsolatedTestEnv(t)
	createInviteLinks(t, env, 1200)
	want, err := env.Admin.ListInviteLinks(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 1200 {
		t.Fatalf("the API lists %d links, want at least 1200", len(want))
	}
	item := func(l client.InviteLink) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":          knownvalue.StringExact(l.ID),
			"fingerprint": knownvalue.StringExact(client.InviteIDFingerprint(l.ID)),
			"role":        knownvalue.StringExact(string(l.Role)),
			"redundant":   knownvalue.Bool(l.Redundant),
		})
	}
	spotChecks := map[int]knownvalue.Check{0: item(want[0]), len(want) - 1: item(want[len(want)-1])}
	for i, l := range want {
		if l.Role == client.RoleGuest {
			spotChecks[i] = item(l) // a null role reads as "guest"
			break
		}
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(inviteLinksConfig(env.OrgID, "")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(inviteLinksAddr, tfjsonpath.New("id"), knownvalue.StringExact(env.OrgID)),
				statecheck.ExpectKnownValue(inviteLinksAddr, tfjsonpath.New("invite_links"), knownvalue.ListSizeExact(len(want))),
				statecheck.ExpectKnownValue(inviteLinksAddr, tfjsonpath.New("invite_links"), knownvalue.ListPartial(spotChecks)),
			},
		}},
	})
}

// Links created in the same configuration are listed once they exist; a space link is not listed,
// as the API lists organization-wide links only.
func TestAccInviteLinksDataSource_linksOfTheSameConfig(t *testing.T) {
	env := newIsolatedTestEnv(t)
	createInviteLinks(t, env, 3)
	before, err := env.Admin.ListInviteLinks(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	config := env.providerConfig(fmt.Sprintf(`
resource "invent_invite_link" "read" {
  org_id = %[1]q
  role   = "read"
}

resource "invent_invite_link" "guest" {
  org_id = %[1]q
  role   = "guest"
}

resource "invent_invite_link" "space" {
  org_id   = %[2]q
  role     = "edit"
  space_id = %[3]q
}
`, env.OrgID, env.ParentOrgID, env.spaceID()) + inviteLinksConfig(env.OrgID,
		"invent_invite_link.read, invent_invite_link.guest, invent_invite_link.space"))
	listed := func(addr string) statecheck.StateCheck {
		return statecheck.CompareValueCollection(inviteLinksAddr,
			[]tfjsonpath.Path{tfjsonpath.New("invite_links"), tfjsonpath.New("id")},
			addr, tfjsonpath.New("id"), compare.ValuesSame())
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             inviteLinksDestroyed(env),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(inviteLinksAddr, tfjsonpath.New("invite_links"), knownvalue.ListSizeExact(len(before)+2)),
				listed("invent_invite_link.read"),
				listed("invent_invite_link.guest"),
			},
		}},
	})
}
