package provider

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// testdata/prior_release holds what the previous release (before resource identity) left behind:
// the configuration it applied (main.tf), its state (terraform.tfstate, written by Terraform 1.11.4)
// and the emulator's state at that moment (emulator-state.json). One membership, one organization
// link, one space link and one member, with org_id written both as c and as the organization's ID.
const priorReleaseDir = "testdata/prior_release"

// A state written by the previous release plans no changes with this one.
func TestAccStateFromPriorRelease(t *testing.T) {
	priorReleaseWorkspace(t).expectNoChanges()
}

// On a CLI that knows resource identity, a refresh of the previous release's state records each
// resource's identity, with c resolved, and the plan after is still empty.
func TestAccStateFromPriorRelease_identity(t *testing.T) {
	w := priorReleaseWorkspace(t)
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
func priorReleaseWorkspace(t *testing.T) *cliWorkspace {
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
	return w
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(data))
}
