package provider

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// testdata/prior_release holds what the previous release (before resource identity) left behind:
// the configuration it applied (main.tf), its state (terraform.tfstate, written by Terraform 1.11.4)
// and the emulator's state at that moment (emulator-state.json). One membership, one organization
// link, one space link and one member, with org_id written both as c and as the organization's ID.
const priorReleaseDir = "testdata/prior_release"

// A state written by the previous release plans no changes with this one. A plan that does not
// refresh shows the invite links' IDs turning sensitive as in-place updates (older CLIs, Terraform 1.0
// among them, plan no change for sensitivity alone), and applying that plan sends no request.
func TestAccStateFromPriorRelease(t *testing.T) {
	w, emu := priorReleaseWorkspace(t)
	w.expectNoChanges()

	// A refresh reads the links with this schema, id marked sensitive; without one, the state's marks
	// are the prior release's, and Terraform plans the change of sensitivity as an update, which it
	// applies without the provider.
	plan := w.mustRun("plan", "-refresh=false", "-out=sensitivity.tfplan")
	wantPlan := []string{
		`# invent_invite_link.handbook will be updated in-place`, `id = (sensitive value)`,
		`# invent_invite_link.org will be updated in-place`, `id = (sensitive value)`,
		`Plan: 0 to add, 2 to change, 0 to destroy.`,
	}
	if strings.Contains(plan.stdout, "inv_00000") {
		t.Fatalf("the plan without refresh shows an invite ID:\n%s", plan)
	}
	if !messageRegexp(wantPlan...).MatchString(plan.stdout) && !strings.Contains(plan.stdout, "No changes.") {
		t.Fatalf("the plan without refresh should show the links' IDs turning sensitive, %q, or no changes:\n%s", wantPlan, plan)
	}
	emu.ResetStats()
	w.mustRun("apply", "sensitivity.tfplan")
	if stats := emu.Stats(); stats.Total != 0 {
		t.Errorf("applying changes of sensitivity only sent %d requests: %v", stats.Total, stats.ByRoute)
	}
	w.expectNoChanges()
}

// On a CLI that knows resource identity, a refresh of the previous release's state records each
// resource's identity, with c resolved, and the plan after is still empty.
func TestAccStateFromPriorRelease_identity(t *testing.T) {
	w, _ := priorReleaseWorkspace(t)
	w.skipUnlessVersion(skipBelowIdentity)
	w.expectNoChanges()
	w.mustRun("apply", "-refresh-only", "-auto-approve")
	want := map[string][]map[string]any{
		"invent_sub_org_membership": {{"org_id": emulator.DefaultParentOrgID, "sub_org_id": emulator.DefaultJoinableSubOrgID}},
		"invent_org_member":         {{"org_id": emulator.DefaultParentOrgID, "user_id": "usr_00000E"}},
		"invent_invite_link": {
			{"org_id": emulator.DefaultParentOrgID, "invite_id": "inv_00000G"},
			{"org_id": emulator.DefaultParentOrgID, "invite_id": "inv_00000D"},
		},
	}
	for resourceType, identities := range want {
		instances := w.stateInstances(resourceType)
		if len(instances) != len(identities) {
			t.Fatalf("%d instances of %s in state, want %d", len(instances), resourceType, len(identities))
		}
		for i, inst := range instances {
			for attr, value := range identities[i] {
				if inst.Identity[attr] != value {
					t.Errorf("%s #%d: identity %v, want %s = %v", resourceType, i, inst.Identity, attr, value)
				}
			}
		}
	}
	w.expectNoChanges()
}

// priorReleaseWorkspace is a workspace holding the previous release's configuration and state, its
// provider talking to an emulator that holds what the API held then.
func priorReleaseWorkspace(t *testing.T) (*cliWorkspace, *emulator.Server) {
	t.Helper()
	testAccPreCheck(t)
	emulatorState := filepath.Join(t.TempDir(), "emulator-state.json")
	copyFile(t, filepath.Join(priorReleaseDir, "emulator-state.json"), emulatorState)
	emu, err := emulator.New(emulator.Options{StatePath: emulatorState})
	if err != nil {
		t.Fatalf("starting the emulator on the prior release's state: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	w := newCLIWorkspace(t, srv.URL, emulator.DefaultAdminToken)
	copyFile(t, filepath.Join(priorReleaseDir, "main.tf"), w.path("main.tf"))
	copyFile(t, filepath.Join(priorReleaseDir, "terraform.tfstate"), w.path("terraform.tfstate"))
	return w, emu
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(data))
}
