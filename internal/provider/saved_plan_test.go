package provider

import (
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// TestAccSavedPlan_reactivatedBeforeApply: a role change of a DISABLED membership, planned
// with -out (status becoming ACTIVE), and the membership reactivated outside Terraform before the
// saved plan is applied. Terraform plans each change again as it applies, and refuses a plan that
// differs from the saved one in a known value as a provider bug: the join makes the membership
// ACTIVE whatever its status, so the second plan must plan ACTIVE too.
func TestAccSavedPlan_reactivatedBeforeApply(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t, knobSetup)
	ctx := testContext(t)
	subOrgID, err := emu.AddSubOrg(env.OrgID, emulator.FixtureSubOrg{Name: "Acme Ops", Members: []emulator.FixtureMember{
		{UserID: emulator.DefaultAdminUserID, Role: client.OrgRoleDeveloper, Status: client.MemberStatusDisabled},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.writeConfig(subOrgMembershipConfig(env.OrgID, subOrgID, client.OrgRoleDeveloper))
	ws.mustRun("import", subOrgMembershipAddr, env.OrgID+"/"+subOrgID)

	ws.writeConfig(subOrgMembershipConfig(env.OrgID, subOrgID, client.OrgRoleManager))
	if run := ws.mustRun("plan", "-out=saved.tfplan"); !messageRegexp(`The role change reactivates the membership`).MatchString(run.output()) {
		t.Fatalf("the plan must warn that the join reactivates the membership, got:\n%s", run)
	}
	if _, err := env.Admin.JoinSubOrg(ctx, env.OrgID, subOrgID, client.OrgRoleDeveloper); err != nil {
		t.Fatal(err) // outside Terraform: ACTIVE again, role unchanged
	}

	ws.mustRun("apply", "saved.tfplan")
	recorded := ws.stateResources("invent_sub_org_membership")[0]
	if recorded["status"] != client.MemberStatusActive || recorded["role"] != client.OrgRoleManager {
		t.Errorf("the state holds status %v and role %v, want ACTIVE and MANAGER", recorded["status"], recorded["role"])
	}
	if err := checkRoleIn(t, env, subOrgID, client.OrgRoleManager)(nil); err != nil {
		t.Error(err)
	}
	ws.expectNoChanges()
}
