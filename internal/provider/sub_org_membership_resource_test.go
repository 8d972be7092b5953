package provider

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

const subOrgMembershipAddr = "invent_sub_org_membership.test"

func subOrgMembershipConfig(orgID, subOrgID, role string) string {
	return fmt.Sprintf(`
resource "invent_sub_org_membership" "test" {
  org_id     = %q
  sub_org_id = %q
  role       = %q
}
`, orgID, subOrgID, role)
}

// checkNotMemberOf confirms through the API that the admin belongs to none of subOrgIDs.
func checkNotMemberOf(t *testing.T, env *testEnv, subOrgIDs ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := testContext(t)
		me, err := env.Admin.CurrentUser(ctx)
		if err != nil {
			return err
		}
		for _, id := range subOrgIDs {
			so, err := env.Admin.GetSubOrg(ctx, env.ParentOrgID, id)
			if err != nil {
				return err
			}
			if m, ok := so.MemberByUserID(me.ID); ok {
				return fmt.Errorf("the admin is still a member of %s with role %s", id, m.Role)
			}
		}
		return nil
	}
}

// checkRoleIn confirms through the API that the admin has role in subOrgID.
func checkRoleIn(t *testing.T, env *testEnv, subOrgID, role string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := testContext(t)
		me, err := env.Admin.CurrentUser(ctx)
		if err != nil {
			return err
		}
		so, err := env.Admin.GetSubOrg(ctx, env.ParentOrgID, subOrgID)
		if err != nil {
			return err
		}
		m, ok := so.MemberByUserID(me.ID)
		if !ok {
			return fmt.Errorf("the admin is not a member of %s", subOrgID)
		}
		if m.Role != role {
			return fmt.Errorf("the admin's role in %s is %s, want %s", subOrgID, m.Role, role)
		}
		return nil
	}
}

// secondJoinableSubOrgID is a sub-organization to join besides env.joinableSubOrgID: a new one in
// the emulator, whose fixture has one (a new one has no members, so the token's user can join it
// with any role but ADMIN and leave again), or another one of the live account.
func secondJoinableSubOrgID(t *testing.T, env *testEnv) string {
	t.Helper()
	if env.live != nil {
		return env.joinableSubOrgID(t)
	}
	so, err := env.Admin.CreateSubOrg(testContext(t), env.ParentOrgID, "Acme Second")
	if err != nil {
		t.Fatalf("creating a sub-organization: %v", err)
	}
	return so.ID
}

// The whole life of a membership: create, import, role change in place, move to another
// sub-organization (replace), leaving outside Terraform (re-create), role changed outside Terraform
// (restored in place), destroy.
func TestAccSubOrgMembership_lifecycle(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ctx := testContext(t)
	me, err := env.Admin.CurrentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, second := env.joinableSubOrgID(t), secondJoinableSubOrgID(t, env)
	memberIDKept := statecheck.CompareValue(compare.ValuesSame())
	createdAtKept := statecheck.CompareValue(compare.ValuesSame())

	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNotMemberOf(t, env, first, second),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(subOrgMembershipConfig(env.ParentOrgID, first, client.OrgRoleDeveloper)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(subOrgMembershipAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("id"), knownvalue.StringExact(env.ParentOrgID+"/"+first)),
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("org_id"), knownvalue.StringExact(env.ParentOrgID)),
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("sub_org_id"), knownvalue.StringExact(first)),
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("role"), knownvalue.StringExact(client.OrgRoleDeveloper)),
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(me.ID)),
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("email"), knownvalue.StringExact(me.Email)),
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.MemberStatusActive)),
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("member_id"), knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("created_at"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					memberIDKept.AddStateValue(subOrgMembershipAddr, tfjsonpath.New("member_id")),
					createdAtKept.AddStateValue(subOrgMembershipAddr, tfjsonpath.New("created_at")),
				},
				Check: checkRoleIn(t, env, first, client.OrgRoleDeveloper),
			},
			{
				ResourceName:      subOrgMembershipAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: env.providerConfig(subOrgMembershipConfig(env.ParentOrgID, first, client.OrgRoleManager)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The membership stays the same one: only its role changes.
					expectOnlyChanges(subOrgMembershipAddr, []string{"role"}, nil),
					plancheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("email"), knownvalue.StringExact(me.Email)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("role"), knownvalue.StringExact(client.OrgRoleManager)),
					memberIDKept.AddStateValue(subOrgMembershipAddr, tfjsonpath.New("member_id")),
					createdAtKept.AddStateValue(subOrgMembershipAddr, tfjsonpath.New("created_at")),
				},
				Check: checkRoleIn(t, env, first, client.OrgRoleManager),
			},
			{
				Config: env.providerConfig(subOrgMembershipConfig(env.ParentOrgID, second, client.OrgRoleManager)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(subOrgMembershipAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("id"), knownvalue.StringExact(env.ParentOrgID+"/"+second)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkNotMemberOf(t, env, first),
					checkRoleIn(t, env, second, client.OrgRoleManager),
				),
			},
			{
				// Left outside Terraform: the refresh drops the membership and the plan joins again.
				PreConfig: func() {
					if err := env.Admin.LeaveSubOrg(testContext(t), env.ParentOrgID, second); err != nil {
						t.Fatalf("leaving %s: %v", second, err)
					}
				},
				Config: env.providerConfig(subOrgMembershipConfig(env.ParentOrgID, second, client.OrgRoleManager)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(subOrgMembershipAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkRoleIn(t, env, second, client.OrgRoleManager),
			},
			{
				// Role changed outside Terraform: an in-place update restores it.
				PreConfig: func() {
					if _, err := env.Admin.JoinSubOrg(testContext(t), env.ParentOrgID, second, client.OrgRoleStaff); err != nil {
						t.Fatalf("changing the role in %s: %v", second, err)
					}
				},
				Config: env.providerConfig(subOrgMembershipConfig(env.ParentOrgID, second, client.OrgRoleManager)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectOnlyChanges(subOrgMembershipAddr, []string{"role"}, nil),
					plancheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("role"), knownvalue.StringExact(client.OrgRoleManager)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("role"), knownvalue.StringExact(client.OrgRoleManager)),
				},
				Check: checkRoleIn(t, env, second, client.OrgRoleManager),
			},
		},
	})
}

// Creation fails before anything changes: at plan time for a role the API does not know, with the
// API's own message otherwise, and with the import command for a membership that already exists
// (joining would adopt it silently).
func TestAccSubOrgMembership_createErrors(t *testing.T) {
	type createError struct {
		memberToken bool
		subOrgID    string
		role        string
		want        *regexp.Regexp
		// untouched, when set, checks that the existing membership was left as it was.
		untouched resource.TestCheckFunc
	}
	roleError := func(got string) *regexp.Regexp {
		return messageRegexp(`Attribute role value must be one of: ["ADMIN" "DEVELOPER" "MANAGER" "STAFF"], got: "` + got + `"`)
	}
	cases := map[string]func(t *testing.T, env *testEnv) createError{
		"lowercase role": func(*testing.T, *testEnv) createError {
			return createError{subOrgID: "org_acme_emea", role: "admin", want: roleError("admin")}
		},
		"unknown role": func(*testing.T, *testEnv) createError {
			return createError{subOrgID: "org_acme_emea", role: "OWNER", want: roleError("OWNER")}
		},
		"unknown sub-organization": func(_ *testing.T, env *testEnv) createError {
			return createError{subOrgID: "org_nowhere", role: client.OrgRoleStaff,
				want: messageRegexp(`No such sub-organization`, fmt.Sprintf(`"org_nowhere" is not a sub-organization of organization %q: `+
					`invent API GET /orgs/%s/orgs/org_nowhere: 404 Not Found`, env.ParentOrgID, env.ParentOrgID),
					env.apiSays(fmt.Sprintf(`sub-organization "org_nowhere" is not a child of organization %q`, env.ParentOrgID)))}
		},
		"not an admin of the parent": func(t *testing.T, env *testEnv) createError {
			subOrgID := env.memberlessSubOrgID(t)
			return createError{memberToken: true, subOrgID: subOrgID, role: client.OrgRoleStaff,
				want: messageRegexp(fmt.Sprintf(`Cannot join sub-organization %q as STAFF`, subOrgID),
					fmt.Sprintf(`invent API POST /orgs/%s/orgs/%s/join: 403 Forbidden`, env.ParentOrgID, subOrgID),
					env.apiSays(fmt.Sprintf(`this requires the ADMIN role in organization %q`, env.ParentOrgID)))}
		},
		"already a member": func(t *testing.T, env *testEnv) createError {
			developer := env.developerSubOrgID(t)
			importID := env.ParentOrgID + "/" + developer
			return createError{subOrgID: developer, role: client.OrgRoleManager,
				want: messageRegexp(`Already a member of the sub-organization`,
					fmt.Sprintf(`The token's user %s is already a member of sub-organization %q with the role DEVELOPER. `, env.AdminEmail, developer)+
						`Joining again would silently take over that membership and could change its role. Bring it under `+
						fmt.Sprintf(`management instead, then apply again: terraform import invent_sub_org_membership.<name> %q `, importID)+
						`where invent_sub_org_membership.<name> is this resource's address (shown with this error), `+
						fmt.Sprintf(`or add an import block with id = %q.`, importID)),
				untouched: checkRoleIn(t, env, developer, client.OrgRoleDeveloper)}
		},
	}
	for name, makeCase := range cases {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			tc := makeCase(t, env)
			token := env.AdminToken
			if tc.memberToken {
				token = env.MemberToken
			}
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             tc.untouched,
				Steps: []resource.TestStep{{
					Config:      env.providerConfigWithToken(token, subOrgMembershipConfig(env.ParentOrgID, tc.subOrgID, tc.role)),
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// Import refuses a malformed ID with the expected format, and a sub-organization the token's user
// is not a member of with a clear message (not Terraform's "non-existent remote object").
func TestAccSubOrgMembership_importErrors(t *testing.T) {
	formatError := func(id string) *regexp.Regexp {
		return messageRegexp(`Invalid import ID`, fmt.Sprintf(
			`the import ID must have the form <org_id>/<sub_org_id>, with every part non-empty; got %q`, id))
	}
	cases := map[string]func(t *testing.T, env *testEnv) (string, *regexp.Regexp){
		"empty":             func(*testing.T, *testEnv) (string, *regexp.Regexp) { return "", formatError("") },
		"one part":          func(*testing.T, *testEnv) (string, *regexp.Regexp) { return "a", formatError("a") },
		"empty second part": func(*testing.T, *testEnv) (string, *regexp.Regexp) { return "a/", formatError("a/") },
		"empty first part":  func(*testing.T, *testEnv) (string, *regexp.Regexp) { return "/b", formatError("/b") },
		"three parts":       func(*testing.T, *testEnv) (string, *regexp.Regexp) { return "a/b/c", formatError("a/b/c") },
		"not a member of it": func(t *testing.T, env *testEnv) (string, *regexp.Regexp) {
			joinable := env.joinableSubOrgID(t)
			return env.ParentOrgID + "/" + joinable, messageRegexp(`Nothing to import`,
				fmt.Sprintf(`The token's user %s is not a member of sub-organization %q; nothing to import.`, env.AdminEmail, joinable))
		},
	}
	for name, makeCase := range cases {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			id, want := makeCase(t, env)
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:       env.providerConfig(subOrgMembershipConfig(env.ParentOrgID, "org_acme_emea", client.OrgRoleStaff)),
					ResourceName: subOrgMembershipAddr,
					ImportState:  true,
					// A func, because an empty ImportStateId means "the ID from state".
					ImportStateIdFunc: func(*terraform.State) (string, error) { return id, nil },
					ExpectError:       want,
				}},
			})
		})
	}
}

// A join whose answer does not list the token's user is read back, and the membership recorded:
// recording nothing would make the next apply refuse it as an existing membership. A stand-in API
// answers so; the emulator never does.
func TestSubOrgMembershipResource_joinAnswerWithoutCallerIsReadBack(t *testing.T) {
	const subOrg = `{"id": "org_sub", "name": "Sub", "plan": "free", "created_at": "2024-01-01T00:00:00Z", "members": [%s]}`
	const me = `{"id": "mem_1", "user_id": "usr_me", "email": "me@example.com", "role": "DEVELOPER", "status": "ACTIVE", "created_at": "2024-02-01T00:00:00Z"}`
	joined := false
	api := http.NewServeMux()
	api.HandleFunc("GET /users/me", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"id": "usr_me", "name": "Me", "email": "me@example.com", "org_id": "org_x"}`)
	})
	api.HandleFunc("GET /orgs/org_x/orgs/org_sub", func(w http.ResponseWriter, _ *http.Request) {
		members := ""
		if joined {
			members = me
		}
		_, _ = fmt.Fprintf(w, subOrg, members)
	})
	api.HandleFunc("POST /orgs/org_x/orgs/org_sub/join", func(w http.ResponseWriter, _ *http.Request) {
		joined = true
		_, _ = fmt.Fprintf(w, subOrg, "")
	})
	r := &subOrgMembershipResource{data: newProviderData(standInClient(t, api), false)}
	plan := resourcePlan(t, r, subOrgMembershipModel{
		ID: types.StringUnknown(), OrgID: types.StringValue("org_x"), SubOrgID: types.StringValue("org_sub"),
		Role: types.StringValue("DEVELOPER"), MemberID: types.StringUnknown(), UserID: types.StringUnknown(),
		Email: types.StringUnknown(), Status: types.StringUnknown(), CreatedAt: types.StringUnknown(),
		Timeouts: nullTimeouts(t, r),
	})
	resp := fwresource.CreateResponse{State: emptyState(plan)}
	r.Create(testContext(t), fwresource.CreateRequest{Plan: plan}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var got subOrgMembershipModel
	if diags := resp.State.Get(testContext(t), &got); diags.HasError() {
		t.Fatal(diags)
	}
	if got.MemberID.ValueString() != "mem_1" || got.Email.ValueString() != "me@example.com" || got.Status.ValueString() != "ACTIVE" {
		t.Errorf("recorded %+v, want the membership read back", got)
	}
}

// Each documented replacement of a membership (org_id respelled from c to the organization's ID,
// another sub-organization) and a forced one (-replace) plans a replacement and applies it: the create
// half does not refuse the membership its own destroy half leaves.
func TestAccSubOrgMembership_replacements(t *testing.T) {
	cases := map[string]struct {
		before, after func(env *testEnv, joinable, other string) string
		in            func(joinable, other string) string // the sub-organization after the replacement
	}{
		"org_id from c to the organization's ID": {
			before: func(_ *testEnv, joinable, _ string) string {
				return subOrgMembershipConfig("c", joinable, client.OrgRoleStaff)
			},
			after: func(env *testEnv, joinable, _ string) string {
				return subOrgMembershipConfig(env.ParentOrgID, joinable, client.OrgRoleStaff)
			},
			in: func(joinable, _ string) string { return joinable },
		},
		"sub_org_id": {
			before: func(env *testEnv, joinable, _ string) string {
				return subOrgMembershipConfig(env.ParentOrgID, joinable, client.OrgRoleStaff)
			},
			after: func(env *testEnv, _, other string) string {
				return subOrgMembershipConfig(env.ParentOrgID, other, client.OrgRoleStaff)
			},
			in: func(_, other string) string { return other },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			joinable, other := env.joinableSubOrgID(t), secondJoinableSubOrgID(t, env)
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNotMemberOf(t, env, joinable, other),
				Steps: []resource.TestStep{
					{Config: env.providerConfig(tc.before(env, joinable, other))},
					{
						Config: env.providerConfig(tc.after(env, joinable, other)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(subOrgMembershipAddr, plancheck.ResourceActionReplace),
						}},
						Check: checkRoleIn(t, env, tc.in(joinable, other), client.OrgRoleStaff),
					},
				},
			})
		})
	}
	t.Run("-replace", func(t *testing.T) {
		env := newTestEnv(t, emulator.Options{})
		replaceByRequest(t, env, subOrgMembershipConfig(env.ParentOrgID, env.joinableSubOrgID(t), client.OrgRoleStaff), subOrgMembershipAddr)
	})
}

// Two resources for one membership (org_id written both ways) are refused at plan time, naming both;
// without the plan-time checks the apply joins once, and the second create fails instead of taking
// the membership over.
func TestAccSubOrgMembership_twoResourcesOneMembership(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	joinable := env.joinableSubOrgID(t)
	body := fmt.Sprintf(`
resource "invent_sub_org_membership" "a" {
  org_id     = "c"
  sub_org_id = %[2]q
  role       = "STAFF"
}

resource "invent_sub_org_membership" "b" {
  org_id     = %[1]q
  sub_org_id = %[2]q
  role       = "MANAGER"
}
`, env.ParentOrgID, joinable)
	twice := messageRegexp(`Two resources create the same object`, fmt.Sprintf(`sub_org_id = %q`, joinable),
		fmt.Sprintf(`both create the membership of the token's user in sub-organization %q of organization %q`, joinable, env.ParentOrgID))
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNotMemberOf(t, env, joinable),
		Steps:                    twoCreatesOfOneObject(t, env, body, twice, routeJoinSubOrg),
	})
}

// A role change joins again, and the API's join makes a DISABLED membership ACTIVE: the plan shows
// status becoming ACTIVE (with or without the plan-time checks), and the state records it.
func TestAccSubOrgMembership_roleChangeReactivates(t *testing.T) {
	for _, checks := range []bool{true, false} {
		t.Run(fmt.Sprintf("plan_checks = %t", checks), func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			emu := env.needsEmulator(t, knobSetup+" (a DISABLED membership)")
			subOrgID, err := emu.AddSubOrg(env.OrgID, emulator.FixtureSubOrg{Name: "Acme Ops", Members: []emulator.FixtureMember{
				{UserID: emulator.DefaultAdminUserID, Role: client.OrgRoleDeveloper, Status: client.MemberStatusDisabled},
			}})
			if err != nil {
				t.Fatal(err)
			}
			memberIDKept := statecheck.CompareValue(compare.ValuesSame())
			parallelTest(t, resource.TestCase{
				TerraformVersionChecks:   skipBelowImportBlocks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: planChecksProvider(env, checks) + importedMembership(env.OrgID, subOrgID, client.OrgRoleDeveloper),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.MemberStatusDisabled)),
							memberIDKept.AddStateValue(subOrgMembershipAddr, tfjsonpath.New("member_id")),
						},
					},
					{
						Config: planChecksProvider(env, checks) + subOrgMembershipConfig(env.OrgID, subOrgID, client.OrgRoleManager),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							expectOnlyChanges(subOrgMembershipAddr, []string{"role", "status"}, nil),
							plancheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.MemberStatusActive)),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(subOrgMembershipAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.MemberStatusActive)),
							memberIDKept.AddStateValue(subOrgMembershipAddr, tfjsonpath.New("member_id")),
						},
						Check: checkRoleIn(t, env, subOrgID, client.OrgRoleManager),
					},
				},
			})
		})
	}
}

// After a leave made outside Terraform, `apply -refresh=false` with a role change joins again, which
// makes a new membership. With the plan-time checks the plan shows it (member_id, created_at and
// status known after apply, and a warning); without them the apply records the new membership and
// fails with an error that says so. Either way the state holds what the API holds.
func TestAccSubOrgMembership_roleChangeAfterLeave(t *testing.T) {
	for _, checks := range []bool{true, false} {
		t.Run(fmt.Sprintf("plan_checks = %t", checks), func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			joinable := env.joinableSubOrgID(t)
			ctx := testContext(t)
			ws := newCLIWorkspace(t, env.URL, env.AdminToken)
			config := func(role string) string {
				return fmt.Sprintf("provider \"invent\" {\n  plan_checks = %t\n}\n", checks) +
					subOrgMembershipConfig(env.ParentOrgID, joinable, role)
			}
			ws.writeConfig(config(client.OrgRoleStaff))
			ws.mustRun("apply", "-auto-approve")
			left := ws.stateResources("invent_sub_org_membership")[0]["member_id"]
			if err := env.Admin.LeaveSubOrg(ctx, env.ParentOrgID, joinable); err != nil {
				t.Fatal(err)
			}

			ws.writeConfig(config(client.OrgRoleManager))
			run := ws.run("apply", "-auto-approve", "-refresh=false")
			want := messageRegexp(fmt.Sprintf(`Warning: No longer a member of sub-organization %q`, joinable),
				`Changing the role joins the sub-organization again, which makes a new membership`)
			wantExit := 0
			if !checks {
				want = messageRegexp(fmt.Sprintf(`Error: The role change in sub-organization %q did more than the plan showed`, joinable),
					`so the join made a new membership; it answered member_id`, `Terraform recorded the membership as the API holds it`)
				wantExit = 1
			}
			if run.exitCode != wantExit || !want.MatchString(run.output()) {
				t.Fatalf("want exit code %d and %s, got:\n%s", wantExit, want, run)
			}
			recorded := ws.stateResources("invent_sub_org_membership")[0]
			me, err := env.Admin.CurrentUser(ctx)
			if err != nil {
				t.Fatal(err)
			}
			so, err := env.Admin.GetSubOrg(ctx, env.ParentOrgID, joinable)
			if err != nil {
				t.Fatal(err)
			}
			member, _ := so.MemberByUserID(me.ID)
			if recorded["member_id"] == left || recorded["member_id"] != member.ID || recorded["role"] != client.OrgRoleManager {
				t.Errorf("the state holds member_id %v and role %v (the left membership was %v); the API holds %s as %s",
					recorded["member_id"], recorded["role"], left, member.ID, member.Role)
			}
			ws.expectNoChanges()
			ws.mustRun("destroy", "-auto-approve")
		})
	}
}
