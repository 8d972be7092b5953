package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// replaceByRequest applies config, then applies it again with -replace for addr: the replacement is
// planned as requested and applied, and the plan after it finds no changes. It destroys what it made.
func replaceByRequest(t *testing.T, env *testEnv, config, addr string) {
	t.Helper()
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.writeConfig(config)
	ws.mustRun("apply", "-auto-approve")
	before := ws.stateSummary(managedTypes...)
	replace := ws.run("apply", "-auto-approve", "-replace="+addr)
	if replace.exitCode != 0 || !strings.Contains(replace.stdout, addr+" will be replaced, as requested") ||
		!strings.Contains(replace.stdout, "1 added, 0 changed, 1 destroyed") {
		t.Fatalf("want the replacement of %s applied:\n%s", addr, replace)
	}
	ws.expectNoChanges()
	if after := ws.stateSummary(managedTypes...); len(after) != len(before) {
		t.Errorf("state before the replacement %v, after %v", before, after)
	}
	ws.mustRun("destroy", "-auto-approve")
}

// twoCreatesOfOneObject are the steps that test body, a configuration of two resources for one
// object: its plan fails with twice; without the plan-time checks its apply fails with twice too,
// after the write (route) was sent once; and a plan then still has the refused create to make.
func twoCreatesOfOneObject(t *testing.T, env *testEnv, body string, twice *regexp.Regexp, route string) []resource.TestStep {
	counts := env.counts()
	return []resource.TestStep{
		{Config: planChecksProvider(env, true) + body, PlanOnly: true, ExpectError: twice},
		{PreConfig: counts.ResetStats, Config: planChecksProvider(env, false) + body, ExpectError: twice},
		{
			PreConfig: func() {
				if n := counts.Stats().ByRoute[route]; n != 1 {
					t.Errorf("%d × %s, want one", n, route)
				}
			},
			Config:             planChecksProvider(env, false) + body,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true, // the refused one
		},
	}
}

func TestClaimRegistry(t *testing.T) {
	var r claimRegistry
	if _, ok := r.claim(memberObject("org_a", "Nina@X.io"), "first"); !ok {
		t.Fatal("the first claim was refused")
	}
	if first, ok := r.claim(memberObject("org_a", "nina@x.io"), "second"); ok || first != "first" {
		t.Errorf("a second claim of one address in other case: %q, %t; want the first claimant, refused", first, ok)
	}
	for _, other := range []string{memberObject("org_b", "nina@x.io"), memberObject("org_a", "omar@x.io"), membershipObject("org_a", "nina@x.io")} {
		if _, ok := r.claim(other, "third"); !ok {
			t.Errorf("%s was refused: another object", other)
		}
	}
}
