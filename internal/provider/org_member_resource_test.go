package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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

const (
	orgMemberAddr = "invent_org_member.test"
	// newHireEmail is an address for configurations that fail before any request; the tests that
	// invite invite env.newAddress(), an address of their own.
	newHireEmail = "new.hire@example.com"
)

var rfc3339Pattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func orgMemberConfig(orgID, email, role string) string {
	return orgMemberConfigSSO(orgID, email, role, false)
}

func orgMemberConfigSSO(orgID, email, role string, sso bool) string {
	return fmt.Sprintf(`
resource "invent_org_member" "test" {
  org_id = %q
  email  = %q
  role   = %q
  sso    = %t
}
`, orgID, email, role, sso)
}

// orgMemberStateChecks assert what the state holds for a member of orgID invited with email and role.
func orgMemberStateChecks(orgID, email, role string, status knownvalue.Check) []statecheck.StateCheck {
	at := func(attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New(attr), want)
	}
	return []statecheck.StateCheck{
		at("id", knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(orgID)+`/[a-zA-Z0-9_-]+$`))),
		at("user_id", knownvalue.StringRegexp(apiIDPattern)),
		at("email", knownvalue.StringExact(email)),
		at("role", knownvalue.StringExact(role)),
		at("status", status),
		at("sso", knownvalue.Bool(false)),
		at("disabled", knownvalue.Bool(false)),
		at("joined_at", knownvalue.StringRegexp(rfc3339Pattern)),
	}
}

// orgMemberAgreesWithAPI checks that the state of the member at addr holds what the API holds for it:
// what a live account names a new user, and which status an address invited again gets, is the
// API's to say.
func orgMemberAgreesWithAPI(env *testEnv, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		attrs := rs.Primary.Attributes
		m, err := env.Admin.GetMember(context.Background(), attrs["org_id"], attrs["user_id"])
		if err != nil {
			return err
		}
		for attr, want := range map[string]string{
			"display_name": m.User.DisplayName, "status": m.Status, "disabled": fmt.Sprint(m.Disabled), "sso": fmt.Sprint(m.SSO),
			"joined_at": m.JoinedAt.UTC().Format(time.RFC3339),
		} {
			if attrs[attr] != want {
				return fmt.Errorf("%s: %s is %q in state, %q in the API", addr, attr, attrs[attr], want)
			}
		}
		return nil
	}
}

// invitedAgainStatus is the status of an address invited again after its removal: the emulator
// keeps the user the first invitation made, who joins at once; a live account says.
func invitedAgainStatus(env *testEnv) knownvalue.Check {
	if env.live != nil {
		return knownvalue.NotNull()
	}
	return knownvalue.StringExact(client.MemberStatusActive)
}

// mixedCase is email with the first letter of its local part and of its domain in upper case.
func mixedCase(email string) string {
	local, domain, _ := strings.Cut(email, "@")
	return strings.ToUpper(local[:1]) + local[1:] + "@" + strings.ToUpper(domain[:1]) + domain[1:]
}

func TestAccOrgMember_lifecycle(t *testing.T) {
	env := newIsolatedTestEnv(t)
	newHire, otherHire := env.newAddress(), env.newAddress()
	invited := knownvalue.StringExact(client.MemberStatusInvited)
	sameUser := statecheck.CompareValue(compare.ValuesSame())
	newUser := statecheck.CompareValue(compare.ValuesDiffer())
	userID := tfjsonpath.New("user_id")
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, newHire, "edit")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: append(orgMemberStateChecks(env.OrgID, newHire, "edit", invited),
					sameUser.AddStateValue(orgMemberAddr, userID),
					newUser.AddStateValue(orgMemberAddr, userID),
				),
				Check: resource.ComposeAggregateTestCheckFunc(
					orgMemberAPIRole(env, orgMemberAddr, client.RoleEdit),
					orgMemberAgreesWithAPI(env, orgMemberAddr),
				),
			},
			{
				ResourceName:            orgMemberAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:            orgMemberAddr,
				ImportState:             true,
				ImportStateId:           env.OrgID + "/" + newHire,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, newHire, "comment")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// An invited member's role change: display_name, status, joined_at and disabled stay.
					expectOnlyChanges(orgMemberAddr, []string{"role"}, nil),
					plancheck.ExpectKnownValue(orgMemberAddr, userID, knownvalue.StringRegexp(apiIDPattern)),
				}},
				ConfigStateChecks: append(orgMemberStateChecks(env.OrgID, newHire, "comment", invited),
					sameUser.AddStateValue(orgMemberAddr, userID)),
				Check: orgMemberAPIRole(env, orgMemberAddr, client.RoleComment),
			},
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, otherHire, "comment")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: append(orgMemberStateChecks(env.OrgID, otherHire, "comment", invited),
					newUser.AddStateValue(orgMemberAddr, userID)),
				Check: resource.ComposeAggregateTestCheckFunc(
					orgMemberAPIRole(env, orgMemberAddr, client.RoleComment),
					orgMemberAbsent(t, env, newHire),
				),
			},
		},
	})
}

// Changes made outside Terraform: a removed member is invited again, a changed role is set back.
func TestAccOrgMember_drift(t *testing.T) {
	env := newIsolatedTestEnv(t)
	ctx := testContext(t)
	newHire := env.newAddress()
	config := env.providerConfig(orgMemberConfig(env.OrgID, newHire, "review"))
	var userID string
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  captureAttribute(orgMemberAddr, "user_id", &userID),
			},
			{
				PreConfig: func() {
					if _, err := env.Admin.RemoveMember(ctx, env.OrgID, userID); err != nil {
						t.Fatalf("removing the member outside Terraform: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: orgMemberStateChecks(env.OrgID, newHire, "review", invitedAgainStatus(env)),
				Check: resource.ComposeAggregateTestCheckFunc(
					orgMemberAPIRole(env, orgMemberAddr, client.RoleReview),
					orgMemberAgreesWithAPI(env, orgMemberAddr),
					captureAttribute(orgMemberAddr, "user_id", &userID),
				),
			},
			{
				PreConfig: func() {
					if _, err := env.Admin.UpdateMemberRole(ctx, env.OrgID, userID, client.RoleGuest); err != nil {
						t.Fatalf("changing the role outside Terraform: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectOnlyChanges(orgMemberAddr, []string{"role"}, nil),
					plancheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("role"), knownvalue.StringExact("review")),
				}},
				ConfigStateChecks: orgMemberStateChecks(env.OrgID, newHire, "review", invitedAgainStatus(env)),
				Check:             orgMemberAPIRole(env, orgMemberAddr, client.RoleReview),
			},
		},
	})
}

// An address is compared without regard to case: a directory user written in mixed case is the
// same member, and neither the first spelling nor a later change of case makes a diff.
func TestAccOrgMember_emailCase(t *testing.T) {
	env := newIsolatedTestEnv(t)
	// A user the directory knows who is not a member yet: the emulator's Nina, or the member
	// token's user, whom the test's own organization does not have.
	email, userID, extra := emulator.DefaultUninvitedEmail, "usr_nina", []statecheck.StateCheck{
		statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("Nina New")),
	}
	var status knownvalue.Check = knownvalue.StringExact(client.MemberStatusActive)
	if env.live != nil {
		email, userID, extra, status = env.MemberEmail, env.MemberUserID, nil, knownvalue.NotNull()
	}
	written := mixedCase(email)
	noChanges := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, written, "read")),
				ConfigStateChecks: append(append(orgMemberStateChecks(env.OrgID, written, "read", status),
					statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(userID))), extra...),
				Check: orgMemberAgreesWithAPI(env, orgMemberAddr),
			},
			{
				Config:   env.providerConfig(orgMemberConfig(env.OrgID, written, "read")),
				PlanOnly: true,
			},
			{
				Config:            env.providerConfig(orgMemberConfig(env.OrgID, email, "read")),
				ConfigPlanChecks:  noChanges,
				ConfigStateChecks: orgMemberStateChecks(env.OrgID, written, "read", status),
			},
			{
				Config:            env.providerConfig(orgMemberConfig(env.OrgID, strings.ToUpper(email), "read")),
				ConfigPlanChecks:  noChanges,
				ConfigStateChecks: orgMemberStateChecks(env.OrgID, written, "read", status),
			},
		},
	})
}

// An address that the API adds without SSO although SSO was asked for is removed again: the
// configuration did not ask for a member without SSO, and the state records nothing.
func TestAccOrgMember_ssoFailureRollsBack(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t, knobOtherOrg+" (a user with SSO there)")
	const sashaID = "usr_sasha"
	ctx := testContext(t)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(orgMemberConfigSSO(env.OrgID, emulator.DefaultSSOElsewhereEmail, "read", true)),
				ExpectError: messageRegexp(`Cannot add sasha@globex.example with SSO`,
					`The API could not add sasha@globex.example to organization "org_acme" with single sign-on: `+
						`the address is an SSO member of another organization (the API reported it in failedSSOEmails), `+
						`so the API added it without SSO. The provider removed that membership again, so nothing changed.`,
					`Set sso = false to invite the address without single sign-on.`),
			},
			{
				PreConfig: func() {
					if _, err := env.Admin.GetMember(ctx, env.OrgID, sashaID); !client.IsNotFound(err) {
						t.Fatalf("after the failed SSO invitation, GET member %s answered %v; want 404", sashaID, err)
					}
				},
				// Nothing in state: the same member without SSO is a plain create.
				Config: env.providerConfig(orgMemberConfigSSO(env.OrgID, emulator.DefaultSSOElsewhereEmail, "read", false)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: append(orgMemberStateChecks(env.OrgID, emulator.DefaultSSOElsewhereEmail, "read", knownvalue.StringExact(client.MemberStatusActive)),
					statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(sashaID))),
			},
		},
	})
}

// An address that is a member already is not adopted: the error gives the import command, and the
// member is left as it was.
func TestAccOrgMember_alreadyMember(t *testing.T) {
	env := newIsolatedTestEnv(t)
	env.memberJoins(t)
	written := mixedCase(env.MemberEmail)
	importID := env.OrgID + "/" + written
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMemberHasRole(t, env, env.MemberUserID, client.RoleRead),
		Steps: []resource.TestStep{{
			Config: env.providerConfig(orgMemberConfig(env.OrgID, written, "edit")),
			ExpectError: messageRegexp(`Already a member of the organization`,
				fmt.Sprintf(`%s is already a member of organization %q with the role read.`, written, env.OrgID),
				fmt.Sprintf(`terraform import invent_org_member.<name> %q`, importID),
				fmt.Sprintf(`or add an import block with id = %q.`, importID)),
		}},
	})
}

// A token whose user is no ADMIN only makes the API ask the admins (202): destroy fails, says
// why, and the member stays in the API and in state until an admin token destroys it.
func TestAccOrgMember_nonAdminTokenCannotRemove(t *testing.T) {
	env := newIsolatedTestEnv(t)
	env.memberJoins(t)
	newHire := env.newAddress()
	member := orgMemberConfig(env.OrgID, newHire, "read")
	var userID string
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(member),
				Check:  captureAttribute(orgMemberAddr, "user_id", &userID),
			},
			{
				Config:  env.providerConfigWithToken(env.MemberToken, member),
				Destroy: true,
				ExpectError: messageRegexp(fmt.Sprintf(`Cannot remove %s from the organization`, newHire),
					fmt.Sprintf(`The API answered 202 Accepted: the API token's user is not an ADMIN of organization %q, `+
						`so the API only sent a removal request to the organization's admins and removed nobody.`, env.OrgID),
					`Removing a member needs an ADMIN token: run again with the API token of an ADMIN of the organization.`),
			},
			{
				// Still a member, still managed; the admin token's final destroy removes it.
				Config: env.providerConfig(member),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionNoop),
				}},
				Check: orgMemberAPIRole(env, orgMemberAddr, client.RoleRead),
			},
		},
	})
}

// The token's own membership can be managed, but never removed or demoted by that token.
func TestAccOrgMember_tokenUserProtected(t *testing.T) {
	env := newIsolatedTestEnv(t)
	const addr = "invent_org_member.self"
	self := func(role string) string {
		return fmt.Sprintf(`
resource "invent_org_member" "self" {
  org_id = %q
  email  = %q
  role   = %q
}
`, env.OrgID, env.AdminEmail, role)
	}
	parallelTest(t, resource.TestCase{
		// The import block that adopts the member, and the removed block that lets go of it.
		TerraformVersionChecks:   skipBelowRemovedBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMemberHasRole(t, env, env.AdminUserID, client.RoleAdmin),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(self("admin") + fmt.Sprintf(`
import {
  to = %s
  id = "%s/%s"
}
`, addr, env.OrgID, env.AdminEmail)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(env.OrgID+"/"+env.AdminUserID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("role"), knownvalue.StringExact("admin")),
				},
			},
			{
				Config: env.providerConfig(""),
				ExpectError: messageRegexp(`Refusing to remove the API token's own user`,
					env.AdminEmail+` is the user of the provider's API token. Destroying or replacing this member`,
					fmt.Sprintf(`would remove that user from organization %q and lock the token out`, env.OrgID),
					`Apply this change with the API token of another ADMIN of the organization; or, to stop managing `+
						`the membership without removing it, replace the resource block with a removed block`),
			},
			{
				Config: env.providerConfig(self("edit")),
				ExpectError: messageRegexp(`Refusing to demote the API token's own user`,
					env.AdminEmail+` is the user of the provider's API token. Changing its role from admin to edit `+
						fmt.Sprintf(`would take the token's ADMIN rights in organization %q`, env.OrgID),
					`Keep role = "admin", or apply the change with the API token of another ADMIN of the organization.`),
			},
			{
				// A role known only at apply could be a demotion that the plan cannot show.
				Config: env.providerConfig(knownAtApply("role", "edit") + strings.Replace(self("admin"),
					`role   = "admin"`, `role   = terraform_data.role.output`, 1)),
				PlanOnly: true,
				ExpectError: messageRegexp(`The role of the API token's own member must be known at plan time`,
					`role   = terraform_data.role.output`,
					fmt.Sprintf(`%s is the user of the provider's API token and an admin of organization %q, and `, env.AdminEmail, env.OrgID)+
						`this plan leaves its role to be known only at apply.`,
					`Write the role so that it is known at plan time (role = "admin" keeps it), or apply the change with the `+
						`API token of another ADMIN of the organization.`),
			},
			{
				// So could an address known only at apply be a replacement.
				Config: env.providerConfig(knownAtApply("email", env.AdminEmail) + strings.Replace(self("admin"),
					fmt.Sprintf(`email  = %q`, env.AdminEmail), `email  = terraform_data.email.output`, 1)),
				PlanOnly: true,
				ExpectError: messageRegexp(`The API token's own member must be known at plan time`,
					`this plan leaves org_id, email or sso of its member to be known only at apply. A change of any of them `+
						`replaces the member`),
			},
			{
				// A replacement removes the member first, so it is refused too.
				Config:      env.providerConfig(orgMemberSelfSSO(env.OrgID, env.AdminEmail)),
				ExpectError: messageRegexp(`Refusing to remove the API token's own user`, `(a change of org_id, email or sso replaces it)`),
			},
			{
				Config: env.providerConfig(`
removed {
  from = ` + addr + `
  lifecycle {
    destroy = false
  }
}
`),
				Check: orgMemberHasRole(t, env, env.AdminUserID, client.RoleAdmin),
			},
		},
	})
}

// knownAtApply is a terraform_data resource named name whose output, value, is known only after the
// apply that creates it.
func knownAtApply(name, value string) string {
	return fmt.Sprintf(`
resource "terraform_data" %q {
  input = %q
}
`, name, value)
}

func orgMemberSelfSSO(orgID, email string) string {
	return fmt.Sprintf(`
resource "invent_org_member" "self" {
  org_id = %q
  email  = %q
  role   = "admin"
  sso    = true
}
`, orgID, email)
}

// The API's 409 for a change that would leave no admin reaches the user with an explanation. With
// the emulator only the caller itself can be the last admin, which the plan already refuses, so
// the resource's Update and Delete are called directly, as a plan made without the check would.
func TestOrgMemberResource_lastAdminConflict(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{})
	if err := env.Emulator.SetOrgRole(env.OrgID, emulator.DefaultOwnerUserID, client.OrgRoleStaff); err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)
	r := &orgMemberResource{data: newProviderData(env.Admin, true)}
	ada, err := env.Admin.GetMember(ctx, env.OrgID, emulator.DefaultAdminUserID)
	if err != nil {
		t.Fatal(err)
	}
	prior := newOrgMemberResourceModel(t, r, env.OrgID)
	prior.setFromAPI(ada)
	demoted := prior
	demoted.Role = types.StringValue(string(client.RoleEdit))
	state := tfsdk.State(orgMemberPlan(t, r, prior))
	plan := orgMemberPlan(t, r, demoted)

	t.Run("update", func(t *testing.T) {
		resp := fwresource.UpdateResponse{State: state}
		r.Update(ctx, fwresource.UpdateRequest{Plan: plan, State: state}, &resp)
		wantOneError(t, resp.Diagnostics, "Cannot change the role of ada@acme.example",
			`invent API PATCH /orgs/org_acme/members/usr_ada: 409 Conflict: "usr_ada" is the last admin of organization "org_acme"; `+
				`make someone else admin first

The member is the organization's last admin, and an organization must keep one. Make another member admin first `+
				`(for example with another invent_org_member with role = "admin"), then apply again; or keep role = "admin".`)
	})
	t.Run("delete", func(t *testing.T) {
		resp := fwresource.DeleteResponse{State: state}
		r.Delete(ctx, fwresource.DeleteRequest{State: state}, &resp)
		wantOneError(t, resp.Diagnostics, "Cannot remove ada@acme.example from the organization",
			`invent API DELETE /orgs/org_acme/members/usr_ada: 409 Conflict: "usr_ada" is the last admin of organization "org_acme" `+
				`and cannot be removed

The member is the organization's last admin, and an organization must keep one. Make another member admin first, then destroy again.`)
	})
	if err := orgMemberHasRole(t, env, emulator.DefaultAdminUserID, client.RoleAdmin)(nil); err != nil {
		t.Error(err)
	}
}

// If the API added an address without SSO and the rollback fails too, the error names the user to
// remove by hand, and nothing is recorded. The emulator removes anyone an admin asks it to, so a
// stand-in API refuses the removal here.
func TestOrgMemberResource_ssoRollbackFails(t *testing.T) {
	const orgID, email, userID = "org_x", "sasha@globex.example", "usr_sasha"
	api := http.NewServeMux()
	api.HandleFunc("GET /orgs/org_x/members", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"items": [], "count": 0}`)
	})
	api.HandleFunc("POST /orgs/org_x/invites", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"users": ["`+userID+`"], "invited": 1, "failedSSOEmails": ["`+email+`"]}`)
	})
	api.HandleFunc("DELETE /orgs/org_x/members/"+userID, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"error": {"code": 403, "message": "removals are frozen"}}`)
	})
	ctx := testContext(t)
	r := &orgMemberResource{data: newProviderData(standInClient(t, api), true)}
	planned := newOrgMemberResourceModel(t, r, orgID)
	planned.ID, planned.UserID, planned.DisplayName = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	planned.Status, planned.JoinedAt, planned.Disabled = types.StringUnknown(), types.StringUnknown(), types.BoolUnknown()
	planned.Email, planned.Role, planned.SSO = types.StringValue(email), types.StringValue("read"), types.BoolValue(true)
	plan := orgMemberPlan(t, r, planned)
	resp := fwresource.CreateResponse{State: emptyState(plan)}
	r.Create(ctx, fwresource.CreateRequest{Plan: plan}, &resp)
	wantOneError(t, resp.Diagnostics, "Cannot add sasha@globex.example with SSO",
		`The API could not add sasha@globex.example to organization "org_x" with single sign-on: the address is an SSO `+
			`member of another organization (the API reported it in failedSSOEmails), so the API added it without SSO. `+
			`The provider tried to remove that membership again and could not: invent API DELETE /orgs/org_x/members/usr_sasha: `+
			`403 Forbidden: removals are frozen

User usr_sasha is now a member of organization "org_x" WITHOUT SSO, and Terraform does not manage it. An admin must `+
			`remove user usr_sasha by hand (DELETE /orgs/org_x/members/usr_sasha), or bring it under management with sso = false `+
			`and terraform import.`)
	if !resp.State.Raw.IsNull() {
		t.Errorf("the failed create recorded state %v", resp.State.Raw)
	}
}

// If the new member cannot be read back, the member the API added is still recorded, with no
// unknown value (Terraform rejects a state that has one) and a warning: the next refresh fills in
// what only the API can say.
func TestOrgMemberResource_createRecordsMemberItCannotReadBack(t *testing.T) {
	const orgID, email, userID = "org_x", "new.hire@example.com", "usr_new"
	api := http.NewServeMux()
	api.HandleFunc("GET /orgs/org_x/members", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"items": [], "count": 0}`)
	})
	api.HandleFunc("POST /orgs/org_x/invites", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"users": ["`+userID+`"], "invited": 1}`)
	})
	api.HandleFunc("GET /orgs/org_x/members/"+userID, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"error": {"code": 403, "message": "reads are frozen"}}`)
	})
	r := &orgMemberResource{data: newProviderData(standInClient(t, api), true)}
	planned := newOrgMemberResourceModel(t, r, orgID)
	planned.ID, planned.UserID, planned.DisplayName = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	planned.Status, planned.JoinedAt, planned.Disabled = types.StringUnknown(), types.StringUnknown(), types.BoolUnknown()
	planned.Email, planned.Role, planned.SSO = types.StringValue(email), types.StringValue("read"), types.BoolValue(false)
	plan := orgMemberPlan(t, r, planned)
	resp := fwresource.CreateResponse{State: emptyState(plan)}
	r.Create(testContext(t), fwresource.CreateRequest{Plan: plan}, &resp)

	if resp.Diagnostics.ErrorsCount() != 0 || resp.Diagnostics.WarningsCount() != 1 ||
		resp.Diagnostics[0].Summary() != "Cannot read the new member "+email+" back" {
		t.Fatalf("got diagnostics %v, want one warning", resp.Diagnostics)
	}
	if !resp.State.Raw.IsFullyKnown() {
		t.Fatalf("the state holds unknown values: %v", resp.State.Raw)
	}
	var got orgMemberResourceModel
	if diags := resp.State.Get(testContext(t), &got); diags.HasError() {
		t.Fatal(diags)
	}
	if got.ID.ValueString() != orgID+"/"+userID || got.UserID.ValueString() != userID || got.Email.ValueString() != email ||
		got.Role.ValueString() != "read" || !got.Status.IsNull() || !got.DisplayName.IsNull() {
		t.Errorf("recorded %+v", got)
	}
}

// standInClient is an API client of a stand-in API, for the answers the emulator never gives.
func standInClient(t *testing.T, api http.Handler) *client.Client {
	t.Helper()
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	apiClient, err := client.New(client.Config{BaseURL: srv.URL, Token: "test-token", UserAgent: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return apiClient
}

// newOrgMemberResourceModel is a model of the resource in orgID with a null timeouts block, for
// tests that call the resource's methods directly.
func newOrgMemberResourceModel(t *testing.T, r *orgMemberResource, orgID string) orgMemberResourceModel {
	t.Helper()
	return orgMemberResourceModel{OrgID: types.StringValue(orgID), Timeouts: nullTimeouts(t, r)}
}

// orgMemberPlan is m as a plan of the resource.
func orgMemberPlan(t *testing.T, r *orgMemberResource, m orgMemberResourceModel) tfsdk.Plan {
	t.Helper()
	return resourcePlan(t, r, m)
}

// wantOneError checks that diags hold exactly one diagnostic, an error with the given summary and detail.
func wantOneError(t *testing.T, diags diag.Diagnostics, summary, detail string) {
	t.Helper()
	if len(diags) != 1 || diags.ErrorsCount() != 1 || diags[0].Summary() != summary || diags[0].Detail() != detail {
		t.Errorf("got diagnostics %v\nwant one error %q: %q", diags, summary, detail)
	}
}

func TestAccOrgMember_planTimeErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	config := func(email, role string) string {
		return env.providerConfig(orgMemberConfig(env.OrgID, email, role))
	}
	emailError := func(got string) string {
		return `Attribute email must be a single bare email address such as name@example.com, got: "` + got + `"`
	}
	expectPlanErrors(t, map[string]planErrorCase{
		"capitalised role":  {config(newHireEmail, "Admin"), messageRegexp(contentRoleError("Admin"))},
		"unknown role":      {config(newHireEmail, "owner"), messageRegexp(contentRoleError("owner"))},
		"not an address":    {config("not-an-email", "read"), messageRegexp(emailError("not-an-email"))},
		"two at signs":      {config("a@b@c", "read"), messageRegexp(emailError("a@b@c"))},
		"with display name": {config("Nina <nina@example.com>", "read"), messageRegexp(emailError("Nina <nina@example.com>"))},
		"surrounding space": {config(" nina@example.com", "read"), messageRegexp(emailError(" nina@example.com"))},
	})
}

func TestAccOrgMember_importErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	shape := func(id string) []string {
		return []string{`Invalid import ID`, fmt.Sprintf(
			`the import ID must have the form <org_id>/<user_id or email>, with every part non-empty; got %q`, id)}
	}
	// A user ID and an address that are no member of the organization.
	const stranger = "usr_stranger"
	newcomer := env.newAddress()
	cases := map[string]struct {
		id   string
		want []string
	}{
		"empty":                {"", shape("")},
		"organization only":    {"org_acme", shape("org_acme")},
		"empty member":         {"org_acme/", shape("org_acme/")},
		"empty organization":   {"/usr_nina", shape("/usr_nina")},
		"three parts":          {"org_acme/usr/nina", shape("org_acme/usr/nina")},
		"bad address":          {"org_acme/a@b@c", []string{`Invalid import ID`, `"a@b@c" is not a single bare email address such as name@example.com; got import ID "org_acme/a@b@c"`}},
		"user ID with a space": {"org_acme/usr nina", []string{`Invalid import ID`, `the user ID "usr nina" must be letters, digits, '_' and '-', or the ` + `part after the slash must be an email address; got import ID "org_acme/usr nina"`}},
		"user ID of no member": {env.OrgID + "/" + stranger, []string{`Nothing to import`,
			fmt.Sprintf(`User %s is not a member of organization %q; nothing to import.`, stranger, env.OrgID), `404 Not Found`,
			env.apiSays(fmt.Sprintf(`user %q is not a member of organization %q`, stranger, env.OrgID))}},
		"address of no member": {env.OrgID + "/" + newcomer, []string{`Nothing to import`, fmt.Sprintf(`%s is not a member of organization %q; `, newcomer, env.OrgID) +
			`nothing to import. Remove the import and apply the resource to invite the address.`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:       env.providerConfig(orgMemberConfig(env.OrgID, newHireEmail, "read")),
					ResourceName: orgMemberAddr,
					ImportState:  true,
					// A func, because an empty ImportStateId means "the ID from state".
					ImportStateIdFunc: func(*terraform.State) (string, error) { return tc.id, nil },
					ExpectError:       messageRegexp(tc.want...),
				}},
			})
		})
	}
}

// orgMemberAPIRole checks the role the API holds for the member at addr.
func orgMemberAPIRole(env *testEnv, addr string, want client.ContentRole) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		m, err := env.Admin.GetMember(context.Background(), rs.Primary.Attributes["org_id"], rs.Primary.Attributes["user_id"])
		if err != nil {
			return err
		}
		if m.Role != want {
			return fmt.Errorf("the API holds role %q for %s, want %q", m.Role, addr, want)
		}
		return nil
	}
}

// orgMemberHasRole checks through the API that userID is still a member with the role want.
func orgMemberHasRole(t *testing.T, env *testEnv, userID string, want client.ContentRole) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, err := env.Admin.GetMember(testContext(t), env.OrgID, userID)
		if err != nil {
			return fmt.Errorf("%s should still be a member: %w", userID, err)
		}
		if m.Role != want {
			return fmt.Errorf("%s has role %q, want %q", userID, m.Role, want)
		}
		return nil
	}
}

// orgMemberAbsent checks through the API that no member has the address email.
func orgMemberAbsent(t *testing.T, env *testEnv, email string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, err := findMemberByEmail(testContext(t), env.Admin, env.OrgID, email)
		if err != nil {
			return err
		}
		if m != nil {
			return fmt.Errorf("%s should no longer be a member; it is user %s", email, m.ID)
		}
		return nil
	}
}

// orgMembersRemoved checks through the API that every member the test managed is gone.
func orgMembersRemoved(env *testEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "invent_org_member" {
				continue
			}
			_, err := env.Admin.GetMember(context.Background(), rs.Primary.Attributes["org_id"], rs.Primary.Attributes["user_id"])
			if !client.IsNotFound(err) {
				return fmt.Errorf("%s (%s) should be removed; GET answered %v", addr, rs.Primary.ID, err)
			}
		}
		return nil
	}
}

// Each documented replacement of a member (another sso, org_id respelled from c to the organization's
// ID, another address) and a forced one (-replace) plans a replacement and applies it: the create half
// does not refuse the member its own destroy half removes.
func TestAccOrgMember_replacements(t *testing.T) {
	cases := map[string]struct {
		// shorthand: the member's organization is written c before the replacement, so it is the
		// token's own (an address of the test's own there is fine: the sweepers find tf-acc- addresses
		// anywhere); the others use the test's own organization.
		shorthand     bool
		before, after func(orgID, email, other string) string
		replacedBy    func(email, other string) string // the member's address after the replacement
	}{
		"sso": {
			before:     func(orgID, email, _ string) string { return orgMemberConfigSSO(orgID, email, "read", false) },
			after:      func(orgID, email, _ string) string { return orgMemberConfigSSO(orgID, email, "read", true) },
			replacedBy: func(email, _ string) string { return email },
		},
		"org_id from c to the organization's ID": {
			shorthand:  true,
			before:     func(_, email, _ string) string { return orgMemberConfig("c", email, "read") },
			after:      func(orgID, email, _ string) string { return orgMemberConfig(orgID, email, "read") },
			replacedBy: func(email, _ string) string { return email },
		},
		"email": {
			before:     func(orgID, email, _ string) string { return orgMemberConfig(orgID, email, "read") },
			after:      func(orgID, _, other string) string { return orgMemberConfig(orgID, other, "read") },
			replacedBy: func(_, other string) string { return other },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var env *testEnv
			if tc.shorthand {
				env = newTestEnv(t, emulator.Options{})
			} else {
				env = newIsolatedTestEnv(t)
			}
			email, other := env.newAddress(), env.newAddress()
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             orgMembersRemoved(env),
				Steps: []resource.TestStep{
					{Config: env.providerConfig(tc.before(env.OrgID, email, other))},
					{
						Config: env.providerConfig(tc.after(env.OrgID, email, other)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionReplace),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("email"), knownvalue.StringExact(tc.replacedBy(email, other))),
						},
						Check: orgMemberAPIRole(env, orgMemberAddr, client.RoleRead),
					},
				},
			})
		})
	}
	t.Run("-replace", func(t *testing.T) {
		env := newIsolatedTestEnv(t)
		replaceByRequest(t, env, orgMemberConfig(env.OrgID, env.newAddress(), "read"), orgMemberAddr)
	})
}

// Two resources for one address (in other case, and with org_id written both ways) are refused at
// plan time, naming both; without the plan-time checks the apply invites it once, and the second
// create fails instead of taking the member over.
func TestAccOrgMember_twoResourcesOneAddress(t *testing.T) {
	// One resource writes c, so both are in the token's own organization.
	env := newTestEnv(t, emulator.Options{})
	email := env.newAddress()
	body := fmt.Sprintf(`
resource "invent_org_member" "a" {
  org_id = "c"
  email  = %[2]q
  role   = "read"
}

resource "invent_org_member" "b" {
  org_id = %[1]q
  email  = %[3]q
  role   = "edit"
}
`, env.ParentOrgID, mixedCase(email), email)
	twice := messageRegexp(`Two resources create the same object`, fmt.Sprintf(`both create the member %s of organization %q`, email, env.ParentOrgID),
		`(addresses are compared without case)`, `Keep one of the two resources.`)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps:                    twoCreatesOfOneObject(t, env, body, twice, routeInviteByEmail),
	})
}

// An address with a "/" in it is imported by <org_id>/<email>, as the already-a-member error
// suggests: the address is everything after the first "/".
func TestAccOrgMember_importAddressWithSlash(t *testing.T) {
	env := newIsolatedTestEnv(t)
	address := strings.Replace(env.newAddress(), "@", "/slash@", 1)
	if _, err := env.Admin.InviteByEmail(testContext(t), env.OrgID, client.InviteRequest{
		Emails: []client.InviteEmail{{Email: address, Role: client.RoleRead}},
	}); err != nil {
		t.Fatal(err)
	}
	importID := env.OrgID + "/" + address
	parallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowImportBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps: []resource.TestStep{
			{
				Config:      env.providerConfig(orgMemberConfig(env.OrgID, address, "read")),
				ExpectError: messageRegexp(`Already a member of the organization`, fmt.Sprintf(`terraform import invent_org_member.<name> %q`, importID)),
			},
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, address, "read") + fmt.Sprintf(`
import {
  to = %s
  id = %q
}
`, orgMemberAddr, importID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("email"), knownvalue.StringExact(address)),
				},
			},
		},
	})
}
