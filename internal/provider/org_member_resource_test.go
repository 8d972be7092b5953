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
	// newHireEmail has no account in the emulator's directory, so inviting it makes an INVITED member.
	newHireEmail = "new.hire@example.com"
	// adminEmail is the address of the admin token's user (emulator.DefaultAdminUserID).
	adminEmail = "ada@acme.example"
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

// orgMemberStateChecks assert what the state holds for a member invited with email and role.
func orgMemberStateChecks(email, role, status string) []statecheck.StateCheck {
	at := func(attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New(attr), want)
	}
	return []statecheck.StateCheck{
		at("id", knownvalue.StringRegexp(regexp.MustCompile(`^`+emulator.DefaultParentOrgID+`/usr_[a-zA-Z0-9_-]+$`))),
		at("user_id", knownvalue.StringRegexp(apiIDPattern)),
		at("email", knownvalue.StringExact(email)),
		at("role", knownvalue.StringExact(role)),
		at("status", knownvalue.StringExact(status)),
		at("sso", knownvalue.Bool(false)),
		at("disabled", knownvalue.Bool(false)),
		at("joined_at", knownvalue.StringRegexp(rfc3339Pattern)),
	}
}

func TestAccOrgMember_lifecycle(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	const otherEmail = "other.hire@example.com"
	sameUser := statecheck.CompareValue(compare.ValuesSame())
	newUser := statecheck.CompareValue(compare.ValuesDiffer())
	userID := tfjsonpath.New("user_id")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, newHireEmail, "edit")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: append(orgMemberStateChecks(newHireEmail, "edit", client.MemberStatusInvited),
					statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("new.hire")),
					sameUser.AddStateValue(orgMemberAddr, userID),
					newUser.AddStateValue(orgMemberAddr, userID),
				),
				Check: orgMemberAPIRole(env, orgMemberAddr, client.RoleEdit),
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
				ImportStateId:           env.OrgID + "/" + newHireEmail,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, newHireEmail, "comment")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// An invited member's role change: display_name, status, joined_at and disabled stay.
					expectOnlyChanges(orgMemberAddr, []string{"role"}, nil),
					plancheck.ExpectKnownValue(orgMemberAddr, userID, knownvalue.StringRegexp(apiIDPattern)),
				}},
				ConfigStateChecks: append(orgMemberStateChecks(newHireEmail, "comment", client.MemberStatusInvited),
					sameUser.AddStateValue(orgMemberAddr, userID)),
				Check: orgMemberAPIRole(env, orgMemberAddr, client.RoleComment),
			},
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, otherEmail, "comment")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: append(orgMemberStateChecks(otherEmail, "comment", client.MemberStatusInvited),
					newUser.AddStateValue(orgMemberAddr, userID)),
				Check: resource.ComposeAggregateTestCheckFunc(
					orgMemberAPIRole(env, orgMemberAddr, client.RoleComment),
					orgMemberAbsent(t, env, newHireEmail),
				),
			},
		},
	})
}

// Changes made outside Terraform: a removed member is invited again, a changed role is set back.
func TestAccOrgMember_drift(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ctx := testContext(t)
	config := env.providerConfig(orgMemberConfig(env.OrgID, newHireEmail, "review"))
	var userID string
	resource.ParallelTest(t, resource.TestCase{
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
				// The first invitation put the address into the directory, so it joins at once now.
				ConfigStateChecks: orgMemberStateChecks(newHireEmail, "review", client.MemberStatusActive),
				Check: resource.ComposeAggregateTestCheckFunc(
					orgMemberAPIRole(env, orgMemberAddr, client.RoleReview),
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
				ConfigStateChecks: orgMemberStateChecks(newHireEmail, "review", client.MemberStatusActive),
				Check:             orgMemberAPIRole(env, orgMemberAddr, client.RoleReview),
			},
		},
	})
}

// An address is compared without regard to case: a directory user written in mixed case is the
// same member, and neither the first spelling nor a later change of case makes a diff.
func TestAccOrgMember_emailCase(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	const written = "Nina@Example.com"
	noChanges := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(orgMemberConfig(env.OrgID, written, "read")),
				ConfigStateChecks: append(orgMemberStateChecks(written, "read", client.MemberStatusActive),
					statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("user_id"), knownvalue.StringExact("usr_nina")),
					statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("Nina New")),
				),
			},
			{
				Config:   env.providerConfig(orgMemberConfig(env.OrgID, written, "read")),
				PlanOnly: true,
			},
			{
				Config:            env.providerConfig(orgMemberConfig(env.OrgID, emulator.DefaultUninvitedEmail, "read")),
				ConfigPlanChecks:  noChanges,
				ConfigStateChecks: orgMemberStateChecks(written, "read", client.MemberStatusActive),
			},
			{
				Config:            env.providerConfig(orgMemberConfig(env.OrgID, "NINA@EXAMPLE.COM", "read")),
				ConfigPlanChecks:  noChanges,
				ConfigStateChecks: orgMemberStateChecks(written, "read", client.MemberStatusActive),
			},
		},
	})
}

// An address that the API adds without SSO although SSO was asked for is removed again: the
// configuration did not ask for a member without SSO, and the state records nothing.
func TestAccOrgMember_ssoFailureRollsBack(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	const sashaID = "usr_sasha"
	ctx := testContext(t)
	resource.ParallelTest(t, resource.TestCase{
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
				ConfigStateChecks: append(orgMemberStateChecks(emulator.DefaultSSOElsewhereEmail, "read", client.MemberStatusActive),
					statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(sashaID))),
			},
		},
	})
}

// An address that is a member already is not adopted: the error gives the import command, and the
// member is left as it was.
func TestAccOrgMember_alreadyMember(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMemberHasRole(t, env, emulator.DefaultMemberUserID, client.RoleRead),
		Steps: []resource.TestStep{{
			Config: env.providerConfig(orgMemberConfig(env.OrgID, "Max@Acme.example", "edit")),
			ExpectError: messageRegexp(`Already a member of the organization`,
				`Max@Acme.example is already a member of organization "org_acme" with the role read.`,
				`terraform import invent_org_member.<name> "org_acme/Max@Acme.example"`,
				`or add an import block with id = "org_acme/Max@Acme.example".`),
		}},
	})
}

// A token whose user is no ADMIN only makes the API ask the admins (202): destroy fails, says
// why, and the member stays in the API and in state until an admin token destroys it.
func TestAccOrgMember_nonAdminTokenCannotRemove(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	if env.MemberToken == "" {
		t.Skip("needs INVENT_ACC_MEMBER_TOKEN against a live account")
	}
	member := orgMemberConfig(env.OrgID, newHireEmail, "read")
	var userID string
	resource.ParallelTest(t, resource.TestCase{
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
				ExpectError: messageRegexp(`Cannot remove new.hire@example.com from the organization`,
					`The API answered 202 Accepted: the API token's user is not an ADMIN of organization "org_acme", `+
						`so the API only sent a removal request to the organization's admins and removed nobody.`,
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
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	const addr = "invent_org_member.self"
	self := func(role string) string {
		return fmt.Sprintf(`
resource "invent_org_member" "self" {
  org_id = %q
  email  = %q
  role   = %q
}
`, env.OrgID, adminEmail, role)
	}
	resource.ParallelTest(t, resource.TestCase{
		// The import block that adopts the member, and the removed block that lets go of it.
		TerraformVersionChecks:   skipBelowRemovedBlocks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMemberHasRole(t, env, emulator.DefaultAdminUserID, client.RoleAdmin),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig(self("admin") + fmt.Sprintf(`
import {
  to = %s
  id = "%s/%s"
}
`, addr, env.OrgID, adminEmail)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(env.OrgID+"/"+emulator.DefaultAdminUserID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("role"), knownvalue.StringExact("admin")),
				},
			},
			{
				Config: env.providerConfig(""),
				ExpectError: messageRegexp(`Refusing to remove the API token's own user`,
					`ada@acme.example is the user of the provider's API token. Destroying or replacing this member`,
					`would remove that user from organization "org_acme" and lock the token out`,
					`Apply this change with the API token of another ADMIN of the organization; or, to stop managing `+
						`the membership without removing it, replace the resource block with a removed block`),
			},
			{
				Config: env.providerConfig(self("edit")),
				ExpectError: messageRegexp(`Refusing to demote the API token's own user`,
					`ada@acme.example is the user of the provider's API token. Changing its role from admin to edit `+
						`would take the token's ADMIN rights in organization "org_acme"`,
					`Keep role = "admin", or apply the change with the API token of another ADMIN of the organization.`),
			},
			{
				// A role known only at apply could be a demotion that the plan cannot show.
				Config: env.providerConfig(knownAtApply("role", "edit") + strings.Replace(self("admin"),
					`role   = "admin"`, `role   = terraform_data.role.output`, 1)),
				PlanOnly: true,
				ExpectError: messageRegexp(`The role of the API token's own member must be known at plan time`,
					`role   = terraform_data.role.output`,
					`ada@acme.example is the user of the provider's API token and an admin of organization "org_acme", and `+
						`this plan leaves its role to be known only at apply.`,
					`Write the role so that it is known at plan time (role = "admin" keeps it), or apply the change with the `+
						`API token of another ADMIN of the organization.`),
			},
			{
				// So could an address known only at apply be a replacement.
				Config: env.providerConfig(knownAtApply("email", adminEmail) + strings.Replace(self("admin"),
					fmt.Sprintf(`email  = %q`, adminEmail), `email  = terraform_data.email.output`, 1)),
				PlanOnly: true,
				ExpectError: messageRegexp(`The API token's own member must be known at plan time`,
					`this plan leaves org_id, email or sso of its member to be known only at apply. A change of any of them `+
						`replaces the member`),
			},
			{
				// A replacement removes the member first, so it is refused too.
				Config:      env.providerConfig(orgMemberSelfSSO(env.OrgID)),
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
				Check: orgMemberHasRole(t, env, emulator.DefaultAdminUserID, client.RoleAdmin),
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

func orgMemberSelfSSO(orgID string) string {
	return fmt.Sprintf(`
resource "invent_org_member" "self" {
  org_id = %q
  email  = %q
  role   = "admin"
  sso    = true
}
`, orgID, adminEmail)
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
	env.needsEmulator(t)
	shape := func(id string) []string {
		return []string{`Invalid import ID`, fmt.Sprintf(
			`the import ID must have the form <org_id>/<user_id or email>, with every part non-empty; got %q`, id)}
	}
	cases := map[string][]string{
		"":                  shape(""),
		"org_acme":          shape("org_acme"),
		"org_acme/":         shape("org_acme/"),
		"/usr_nina":         shape("/usr_nina"),
		"org_acme/usr/nina": shape("org_acme/usr/nina"),
		"org_acme/a@b@c": {`Invalid import ID`,
			`"a@b@c" is not a single bare email address such as name@example.com; got import ID "org_acme/a@b@c"`},
		"org_acme/usr nina": {`Invalid import ID`, `the user ID "usr nina" must be letters, digits, '_' and '-', or the ` +
			`part after the slash must be an email address; got import ID "org_acme/usr nina"`},
		"org_acme/usr_omar": {`Nothing to import`, `User usr_omar is not a member of organization "org_acme"; nothing to import.`,
			`404 Not Found: user "usr_omar" is not a member of organization "org_acme"`},
		"org_acme/omar@example.com": {`Nothing to import`, `omar@example.com is not a member of organization "org_acme"; ` +
			`nothing to import. Remove the import and apply the resource to invite the address.`},
	}
	for id, want := range cases {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:       env.providerConfig(orgMemberConfig(env.OrgID, newHireEmail, "read")),
					ResourceName: orgMemberAddr,
					ImportState:  true,
					// A func, because an empty ImportStateId means "the ID from state".
					ImportStateIdFunc: func(*terraform.State) (string, error) { return id, nil },
					ExpectError:       messageRegexp(want...),
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
		before, after func(env *testEnv) string
		email         string // the member's address after the replacement
	}{
		"sso": {
			before: func(env *testEnv) string { return orgMemberConfigSSO(env.OrgID, newHireEmail, "read", false) },
			after:  func(env *testEnv) string { return orgMemberConfigSSO(env.OrgID, newHireEmail, "read", true) },
			email:  newHireEmail,
		},
		"org_id from c to the organization's ID": {
			before: func(*testEnv) string { return orgMemberConfig("c", newHireEmail, "read") },
			after:  func(env *testEnv) string { return orgMemberConfig(env.OrgID, newHireEmail, "read") },
			email:  newHireEmail,
		},
		"email": {
			before: func(env *testEnv) string { return orgMemberConfig(env.OrgID, newHireEmail, "read") },
			after:  func(env *testEnv) string { return orgMemberConfig(env.OrgID, emulator.DefaultUninvitedEmail, "read") },
			email:  emulator.DefaultUninvitedEmail,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			env.needsEmulator(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             orgMembersRemoved(env),
				Steps: []resource.TestStep{
					{Config: env.providerConfig(tc.before(env))},
					{
						Config: env.providerConfig(tc.after(env)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(orgMemberAddr, plancheck.ResourceActionReplace),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(orgMemberAddr, tfjsonpath.New("email"), knownvalue.StringExact(tc.email)),
						},
						Check: orgMemberAPIRole(env, orgMemberAddr, client.RoleRead),
					},
				},
			})
		})
	}
	t.Run("-replace", func(t *testing.T) {
		env := newTestEnv(t, emulator.Options{})
		env.needsEmulator(t)
		replaceByRequest(t, env, orgMemberConfig(env.OrgID, newHireEmail, "read"), orgMemberAddr)
	})
}

// Two resources for one address (in other case, and with org_id written both ways) are refused at
// plan time, naming both; without the plan-time checks the apply invites it once, and the second
// create fails instead of taking the member over.
func TestAccOrgMember_twoResourcesOneAddress(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	body := fmt.Sprintf(`
resource "invent_org_member" "a" {
  org_id = "c"
  email  = "Nina@Example.com"
  role   = "read"
}

resource "invent_org_member" "b" {
  org_id = %q
  email  = "nina@example.com"
  role   = "edit"
}
`, env.OrgID)
	twice := messageRegexp(`Two resources create the same object`, `both create the member nina@example.com of organization "org_acme"`,
		`(addresses are compared without case)`, `Keep one of the two resources.`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             orgMembersRemoved(env),
		Steps:                    twoCreatesOfOneObject(t, env, body, twice, routeInviteByEmail),
	})
}

// An address with a "/" in it is imported by <org_id>/<email>, as the already-a-member error
// suggests: the address is everything after the first "/".
func TestAccOrgMember_importAddressWithSlash(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	const address = "sl/ash@x.io"
	if _, err := env.Admin.InviteByEmail(testContext(t), env.OrgID, client.InviteRequest{
		Emails: []client.InviteEmail{{Email: address, Role: client.RoleRead}},
	}); err != nil {
		t.Fatal(err)
	}
	importID := env.OrgID + "/" + address
	resource.ParallelTest(t, resource.TestCase{
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
