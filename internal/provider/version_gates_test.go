package provider

import (
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// A test that needs a newer CLI than the oldest the README claims (Terraform 1.0, OpenTofu 1.6) is a
// test case of its own, gated by tfversion.SkipBelow: on an older CLI it skips saying why, which the
// skip guard allows (`make test-compat`), and on the newest Terraform none skips (`make
// test-terraform`). A step's SkipFunc would skip silently instead, where the guard cannot see it.
// The `terraform query` tests gate at Terraform 1.14 (OpenTofu has no query command). The
// protocol-level tests (protocol_test.go) cover identity and list resources on every run.
var (
	// skipBelowImportBlocks gates tests with import blocks: Terraform 1.5 (OpenTofu has them from
	// its first release, 1.6).
	skipBelowImportBlocks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)}
	// skipBelowRemovedBlocks gates tests with removed blocks: Terraform and OpenTofu 1.7.
	skipBelowRemovedBlocks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)}
	// skipBelowIdentity gates tests of resource identity: Terraform and OpenTofu 1.12.
	skipBelowIdentity = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}
)

// skipUnlessVersion skips a test that drives the CLI by hand when the workspace's CLI fails one of
// checks, with the check's own message, as resource.Test does with a TestCase's
// TerraformVersionChecks.
func (w *cliWorkspace) skipUnlessVersion(checks []tfversion.TerraformVersionCheck) {
	w.t.Helper()
	req := tfversion.CheckTerraformVersionRequest{TerraformVersion: w.version()}
	for _, check := range checks {
		var resp tfversion.CheckTerraformVersionResponse
		check.CheckTerraformVersion(w.t.Context(), req, &resp)
		if resp.Error != nil {
			w.t.Fatal(resp.Error)
		}
		if resp.Skip != "" {
			w.t.Skip(resp.Skip)
		}
	}
}
