package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

const inviteLinkAddr = "invent_invite_link.test"

// inviteLinkKind is one kind of link as the table-driven tests configure and expect it.
type inviteLinkKind struct {
	kind         string
	orgID        string // the link's organization
	target       string // the HCL line that selects the link's target; empty for the organization
	spaceID      knownvalue.Check
	collectionID knownvalue.Check
	title        knownvalue.Check
}

// inviteLinkKindNames are the kinds of link, for newInviteLinkEnv.
var inviteLinkKindNames = []string{client.InviteLinkKindOrganization, client.InviteLinkKindSpace, client.InviteLinkKindCollection}

// newInviteLinkEnv starts the test's API for a link of kind. An organization link goes into the
// test's own organization (newIsolatedTestEnv), space and collection links into the token's
// organization, which has the space and the collection.
func newInviteLinkEnv(t *testing.T, kind string) (*testEnv, inviteLinkKind) {
	t.Helper()
	if kind == client.InviteLinkKindOrganization {
		env := newIsolatedTestEnv(t)
		return env, inviteLinkKind{kind: kind, orgID: env.OrgID, spaceID: knownvalue.Null(), collectionID: knownvalue.Null(), title: knownvalue.Null()}
	}
	env := newTestEnv(t, emulator.Options{})
	titles := env.titles(t)
	k := inviteLinkKind{kind: kind, orgID: env.ParentOrgID, spaceID: knownvalue.Null(), collectionID: knownvalue.Null()}
	if kind == client.InviteLinkKindSpace {
		k.target, k.spaceID, k.title = fmt.Sprintf("space_id = %q", env.spaceID()), knownvalue.StringExact(env.spaceID()), knownvalue.StringExact(titles.space)
	} else {
		k.target, k.collectionID, k.title = fmt.Sprintf("collection_id = %q", env.collectionID()), knownvalue.StringExact(env.collectionID()),
			knownvalue.StringExact(titles.collection)
	}
	return env, k
}

// stateChecks assert what the state holds for a link of this kind with the given role.
func (k inviteLinkKind) stateChecks(role string) []statecheck.StateCheck {
	at := func(attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(inviteLinkAddr, tfjsonpath.New(attr), want)
	}
	return []statecheck.StateCheck{
		at("id", knownvalue.StringRegexp(apiIDPattern)),
		at("role", knownvalue.StringExact(role)),
		at("kind", knownvalue.StringExact(k.kind)),
		at("space_id", k.spaceID),
		at("collection_id", k.collectionID),
		at("title", k.title),
		at("redundant", knownvalue.Bool(true)), // the admin already holds every role
		fingerprintOfID{inviteLinkAddr},
	}
}

// fingerprintOfID checks that the fingerprint of the link at addr is its ID's last 4 characters.
type fingerprintOfID struct{ addr string }

func (c fingerprintOfID) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.addr {
			id, _ := r.AttributeValues["id"].(string)
			if fp := r.AttributeValues["fingerprint"]; len(id) < 8 || fp != id[len(id)-4:] {
				resp.Error = fmt.Errorf("%s: fingerprint %v, want the last 4 characters of ID %q", c.addr, fp, id)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in state", c.addr)
}

func inviteLinkConfig(orgID, role, target string) string {
	return fmt.Sprintf(`
resource "invent_invite_link" "test" {
  org_id = %q
  role   = %q
  %s
}
`, orgID, role, target)
}

func TestAccInviteLink_lifecycle(t *testing.T) {
	for _, kind := range inviteLinkKindNames {
		t.Run(kind, func(t *testing.T) {
			env, k := newInviteLinkEnv(t, kind)
			sameID := statecheck.CompareValue(compare.ValuesSame())
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             inviteLinksDestroyed(env),
				Steps: []resource.TestStep{
					{
						Config: env.providerConfig(inviteLinkConfig(k.orgID, "edit", k.target)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(inviteLinkAddr, plancheck.ResourceActionCreate),
						}},
						ConfigStateChecks: append(k.stateChecks("edit"), sameID.AddStateValue(inviteLinkAddr, tfjsonpath.New("id"))),
						Check:             inviteLinkAPIRole(env, inviteLinkAddr, client.RoleEdit),
					},
					{
						ResourceName:      inviteLinkAddr,
						ImportState:       true,
						ImportStateVerify: true,
						ImportStateIdFunc: inviteLinkImportID(inviteLinkAddr),
					},
					{
						Config: env.providerConfig(inviteLinkConfig(k.orgID, "comment", k.target)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							expectOnlyChanges(inviteLinkAddr, []string{"role"}, []string{"redundant"}),
							plancheck.ExpectKnownValue(inviteLinkAddr, tfjsonpath.New("kind"), knownvalue.StringExact(k.kind)),
							plancheck.ExpectKnownValue(inviteLinkAddr, tfjsonpath.New("title"), k.title),
						}},
						ConfigStateChecks: append(k.stateChecks("comment"), sameID.AddStateValue(inviteLinkAddr, tfjsonpath.New("id"))),
						Check:             inviteLinkAPIRole(env, inviteLinkAddr, client.RoleComment),
					},
				},
			})
		})
	}
}

// Changes made outside Terraform: a revoked link is created again, a changed role is set back in place.
func TestAccInviteLink_drift(t *testing.T) {
	for _, kind := range inviteLinkKindNames {
		t.Run(kind, func(t *testing.T) {
			env, k := newInviteLinkEnv(t, kind)
			ctx := testContext(t)
			config := env.providerConfig(inviteLinkConfig(k.orgID, "review", k.target))
			var inviteID string
			otherID := statecheck.CompareValue(compare.ValuesDiffer())
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             inviteLinksDestroyed(env),
				Steps: []resource.TestStep{
					{
						Config:            config,
						ConfigStateChecks: []statecheck.StateCheck{otherID.AddStateValue(inviteLinkAddr, tfjsonpath.New("id"))},
						Check:             captureAttribute(inviteLinkAddr, "id", &inviteID),
					},
					{
						PreConfig: func() {
							if _, err := env.Admin.DeleteInviteLink(ctx, k.orgID, inviteID); err != nil {
								t.Fatalf("revoking the link outside Terraform: %v", err)
							}
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(inviteLinkAddr, plancheck.ResourceActionCreate),
						}},
						ConfigStateChecks: append(k.stateChecks("review"), otherID.AddStateValue(inviteLinkAddr, tfjsonpath.New("id"))),
						Check:             captureAttribute(inviteLinkAddr, "id", &inviteID),
					},
					{
						PreConfig: func() {
							req := inviteLinkUpdateRequest(k.kind, client.RoleGuest)
							if _, err := env.Admin.UpdateInviteLink(ctx, k.orgID, inviteID, req); err != nil {
								t.Fatalf("changing the role outside Terraform: %v", err)
							}
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							// redundant follows the role; nothing else changes.
							expectOnlyChanges(inviteLinkAddr, []string{"role"}, []string{"redundant"}),
							plancheck.ExpectKnownValue(inviteLinkAddr, tfjsonpath.New("role"), knownvalue.StringExact("review")),
						}},
						ConfigStateChecks: k.stateChecks("review"),
						Check:             inviteLinkAPIRole(env, inviteLinkAddr, client.RoleReview),
					},
				},
			})
		})
	}
}

// The guest role is "guest" in configuration and state, and JSON null on the wire: `role` for an
// organization link, `level` for a space link.
func TestAccInviteLink_guestRole(t *testing.T) {
	env := newIsolatedTestEnv(t)
	config := env.providerConfig(fmt.Sprintf(`
resource "invent_invite_link" "org" {
  org_id = %[1]q
  role   = "guest"
}

resource "invent_invite_link" "space" {
  org_id   = %[2]q
  role     = "guest"
  space_id = %[3]q
}
`, env.OrgID, env.ParentOrgID, env.spaceID()))
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             inviteLinksDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("invent_invite_link.org", tfjsonpath.New("role"), knownvalue.StringExact("guest")),
					statecheck.ExpectKnownValue("invent_invite_link.space", tfjsonpath.New("role"), knownvalue.StringExact("guest")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					inviteLinkWireRoleIsNull(t, env, "invent_invite_link.org", "role"),
					inviteLinkWireRoleIsNull(t, env, "invent_invite_link.space", "level"),
				),
			},
			{
				ResourceName:      "invent_invite_link.org",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: inviteLinkImportID("invent_invite_link.org"),
			},
			{
				ResourceName:      "invent_invite_link.space",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: inviteLinkImportID("invent_invite_link.space"),
			},
		},
	})
}

// redundant follows whoever refreshes: a link that grants more than the member holds is not
// redundant for the member. A refresh may change it, but it never makes a plan.
func TestAccInviteLink_redundantFollowsCaller(t *testing.T) {
	env := newIsolatedTestEnv(t)
	env.memberJoins(t)
	link := inviteLinkConfig(env.OrgID, "edit", "")
	redundant := func(want bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(inviteLinkAddr, tfjsonpath.New("redundant"), knownvalue.Bool(want))}
	}
	noChanges := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             inviteLinksDestroyed(env),
		Steps: []resource.TestStep{
			{Config: env.providerConfig(link), ConfigStateChecks: redundant(true)},
			{Config: env.providerConfigWithToken(env.MemberToken, link), ConfigPlanChecks: noChanges, ConfigStateChecks: redundant(false)},
			// Back to the admin, who can revoke the link when the test ends.
			{Config: env.providerConfig(link), ConfigPlanChecks: noChanges, ConfigStateChecks: redundant(true)},
		},
	})
}

func TestAccInviteLink_planTimeErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	config := func(role, target string) string {
		return env.providerConfig(inviteLinkConfig(env.OrgID, role, target))
	}
	expectPlanErrors(t, map[string]planErrorCase{
		"capitalised role": {config("Admin", ""), messageRegexp(contentRoleError("Admin"))},
		"unknown role":     {config("owner", ""), messageRegexp(contentRoleError("owner"))},
		"empty role":       {config("", ""), messageRegexp(contentRoleError(""))},
		"space and collection": {
			config("read", fmt.Sprintf("space_id = %q\n  collection_id = %q", emulator.DefaultSpaceID, emulator.DefaultCollectionID)),
			messageRegexp("These attributes cannot be configured together: [space_id,collection_id]"),
		},
		"space ID with a space": {
			config("read", `space_id = "spc handbook"`),
			messageRegexp(`Attribute space_id must be a non-empty ID of letters, digits, '_' and '-', got: spc handbook`),
		},
		"collection ID with a slash": {
			config("read", `collection_id = "col/guides"`),
			messageRegexp(`Attribute collection_id must be a non-empty ID of letters, digits, '_' and '-', got: col/guides`),
		},
	})
}

// The API's own refusals reach the user, and nothing is left behind.
func TestAccInviteLink_apiErrors(t *testing.T) {
	env := newIsolatedTestEnv(t)
	env.memberJoins(t)
	cases := map[string]struct {
		config string
		want   []string
	}{
		"unknown space": {
			config: env.providerConfig(inviteLinkConfig(env.OrgID, "read", `space_id = "spc_missing"`)),
			want: []string{fmt.Sprintf(`invent API POST /orgs/%s/link-invites: 400 Bad Request`, env.OrgID),
				env.apiSays(fmt.Sprintf(`space "spc_missing" does not exist in organization %q`, env.OrgID))},
		},
		"member token": {
			config: env.providerConfigWithToken(env.MemberToken, inviteLinkConfig(env.OrgID, "read", "")),
			want: []string{"403 Forbidden", env.apiSays(fmt.Sprintf(`this requires the ADMIN role in organization %q`, env.OrgID)),
				`The token's user lacks the permission for this: most changes need the ADMIN role in the organization.`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: messageRegexp(tc.want...)}},
			})
		})
	}
	links, err := env.Admin.ListInviteLinks(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 0 {
		t.Errorf("a failed create left %d organization links behind", len(links))
	}
}

func TestAccInviteLink_importIDErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	for _, id := range []string{"org", "org/", "/id", "a/b/c"} {
		t.Run(id, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        env.providerConfig(inviteLinkConfig(env.OrgID, "read", "")),
					ResourceName:  inviteLinkAddr,
					ImportState:   true,
					ImportStateId: id,
					ExpectError:   messageRegexp(inviteLinkImportIDError(id)),
				}},
			})
		})
	}
}

// The empty ID, which the test harness cannot pass to Terraform, goes to ImportState directly.
func TestInviteLinkResource_importIDErrors(t *testing.T) {
	ctx := t.Context()
	r := &inviteLinkResource{}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	for _, id := range []string{"", "org", "org/", "/id", "a/b/c", "org/ /id"} {
		resp := fwresource.ImportStateResponse{State: tfsdk.State{
			Schema: schemaResp.Schema,
			Raw:    tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil),
		}}
		r.ImportState(ctx, fwresource.ImportStateRequest{ID: id}, &resp)
		errs := resp.Diagnostics.Errors()
		if len(errs) != 1 || errs[0].Summary() != "Invalid import ID" || errs[0].Detail() != inviteLinkImportIDError(id) {
			t.Errorf("import ID %q: got diagnostics %v, want one %q", id, resp.Diagnostics, inviteLinkImportIDError(id))
		}
	}
}

func inviteLinkImportIDError(id string) string {
	return fmt.Sprintf("the import ID must have the form <org_id>/<invite_id>, with every part non-empty; got %q", id)
}

// inviteLinkImportID is the import ID "<org_id>/<invite_id>" of the link at addr.
func inviteLinkImportID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s is not in state", addr)
		}
		return rs.Primary.Attributes["org_id"] + "/" + rs.Primary.ID, nil
	}
}

// inviteLinkAPIRole checks the role the API holds for the link at addr.
func inviteLinkAPIRole(env *testEnv, addr string, want client.ContentRole) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		link, err := env.Admin.GetInviteLink(context.Background(), rs.Primary.Attributes["org_id"], rs.Primary.ID)
		if err != nil {
			return err
		}
		if got := link.EffectiveRole(); got != want {
			return fmt.Errorf("the API holds role %q for %s, want %q", got, addr, want)
		}
		return nil
	}
}

// inviteLinkWireRoleIsNull GETs the link at addr without the client, to see the JSON itself: the
// guest role must be null in field, not a string.
func inviteLinkWireRoleIsNull(t *testing.T, env *testEnv, addr, field string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		url := env.URL + "/orgs/" + rs.Primary.Attributes["org_id"] + "/link-invites/" + rs.Primary.ID
		req, err := http.NewRequestWithContext(testContext(t), http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+env.AdminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var body map[string]json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return fmt.Errorf("GET %s: %d, body not a JSON object: %w", url, resp.StatusCode, err)
		}
		if raw, ok := body[field]; !ok || string(raw) != "null" {
			return fmt.Errorf("GET %s: %q is %s, want null", url, field, raw)
		}
		return nil
	}
}

// inviteLinksDestroyed checks through the API that every link the test managed is gone.
func inviteLinksDestroyed(env *testEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "invent_invite_link" {
				continue
			}
			_, err := env.Admin.GetInviteLink(context.Background(), rs.Primary.Attributes["org_id"], rs.Primary.ID)
			if err := inviteLinkGoneError(addr+" "+rs.Primary.ID, err); err != nil {
				return err
			}
		}
		return nil
	}
}

// inviteLinkGoneError turns the answer to a GET of a link that should be revoked into a test error:
// nil for the expected 404.
func inviteLinkGoneError(what string, err error) error {
	switch {
	case err == nil:
		return fmt.Errorf("invite link %s should be revoked, but the API still has it", what)
	case !client.IsNotFound(err):
		return fmt.Errorf("invite link %s should be revoked; GET failed: %w", what, err)
	}
	return nil
}

// Each documented replacement of a link (org_id respelled from c to the organization's ID, another
// space, another collection, a space instead of a collection) and a forced one (-replace) revokes the
// link before it issues a new one.
func TestAccInviteLink_replacements(t *testing.T) {
	const otherSpaceID, otherSpaceTitle = "spc_onboarding", "Onboarding"
	const otherCollectionID, otherCollectionTitle = "col_runbooks", "Runbooks"
	space := func(id string) string { return fmt.Sprintf("space_id = %q", id) }
	collection := func(id string) string { return fmt.Sprintf("collection_id = %q", id) }
	cases := map[string]struct {
		// before and after are the target lines, with the link's organization spelled c before when
		// shorthand.
		before, after func(env *testEnv) string
		shorthand     bool
		// secondTarget: the case replaces a space or collection with another, which the emulator
		// adds; the token's organization of a live account has one of each.
		secondTarget bool
		kind         string
		title        func(titles contentTitles) string
	}{
		"org_id from c to the organization's ID": {
			// A space link: the only links a test may make in the token's organization, which c is.
			before: func(env *testEnv) string { return space(env.spaceID()) }, after: func(env *testEnv) string { return space(env.spaceID()) },
			shorthand: true, kind: client.InviteLinkKindSpace, title: func(titles contentTitles) string { return titles.space },
		},
		"space_id": {
			before: func(env *testEnv) string { return space(env.spaceID()) }, after: func(*testEnv) string { return space(otherSpaceID) },
			secondTarget: true, kind: client.InviteLinkKindSpace, title: func(contentTitles) string { return otherSpaceTitle },
		},
		"collection_id": {
			before: func(env *testEnv) string { return collection(env.collectionID()) }, after: func(*testEnv) string { return collection(otherCollectionID) },
			secondTarget: true, kind: client.InviteLinkKindCollection, title: func(contentTitles) string { return otherCollectionTitle },
		},
		"space_id instead of collection_id": {
			before: func(env *testEnv) string { return collection(env.collectionID()) }, after: func(env *testEnv) string { return space(env.spaceID()) },
			kind: client.InviteLinkKindSpace, title: func(titles contentTitles) string { return titles.space },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			if tc.secondTarget {
				emu := env.needsEmulator(t, knobSetup+" (a second space and collection)")
				if err := errors.Join(emu.AddSpace(env.ParentOrgID, otherSpaceID, otherSpaceTitle),
					emu.AddCollection(env.ParentOrgID, otherCollectionID, otherCollectionTitle)); err != nil {
					t.Fatal(err)
				}
			}
			org := env.ParentOrgID
			if tc.shorthand {
				org = "c"
			}
			var firstID string
			newID := statecheck.CompareValue(compare.ValuesDiffer())
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             inviteLinksDestroyed(env),
				Steps: []resource.TestStep{
					{
						Config:            env.providerConfig(inviteLinkConfig(org, "read", tc.before(env))),
						ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(inviteLinkAddr, tfjsonpath.New("id"))},
						Check:             captureAttribute(inviteLinkAddr, "id", &firstID),
					},
					{
						Config: env.providerConfig(inviteLinkConfig(env.ParentOrgID, "read", tc.after(env))),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(inviteLinkAddr, plancheck.ResourceActionDestroyBeforeCreate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							newID.AddStateValue(inviteLinkAddr, tfjsonpath.New("id")),
							statecheck.ExpectKnownValue(inviteLinkAddr, tfjsonpath.New("kind"), knownvalue.StringExact(tc.kind)),
							statecheck.ExpectKnownValue(inviteLinkAddr, tfjsonpath.New("title"), knownvalue.StringExact(tc.title(env.titles(t)))),
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							inviteLinkAPIRole(env, inviteLinkAddr, client.RoleRead),
							func(*terraform.State) error {
								_, err := env.Admin.GetInviteLink(testContext(t), env.ParentOrgID, firstID)
								return inviteLinkGoneError(firstID, err)
							},
						),
					},
				},
			})
		})
	}
	t.Run("-replace", func(t *testing.T) {
		env := newIsolatedTestEnv(t)
		replaceByRequest(t, env, inviteLinkConfig(env.OrgID, "read", ""), inviteLinkAddr)
	})
}
