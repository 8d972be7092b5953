package main

import (
	"regexp"
	"strings"
	"testing"
)

// stream is `go test -json` output (Go 1.26, Time fields dropped) of a package with a passing test,
// a version-gated skip after a log line, a TF_ACC skip, and a test whose subtests skip and fail.
const stream = `{"Action":"start","Package":"demo"}
{"Action":"run","Package":"demo","Test":"TestPass"}
{"Action":"output","Package":"demo","Test":"TestPass","Output":"=== RUN   TestPass\n"}
{"Action":"output","Package":"demo","Test":"TestPass","Output":"    a_test.go:3: hello\n"}
{"Action":"output","Package":"demo","Test":"TestPass","Output":"--- PASS: TestPass (0.00s)\n"}
{"Action":"pass","Package":"demo","Test":"TestPass","Elapsed":0}
{"Action":"run","Package":"demo","Test":"TestGate"}
{"Action":"output","Package":"demo","Test":"TestGate","Output":"=== RUN   TestGate\n"}
{"Action":"output","Package":"demo","Test":"TestGate","Output":"=== PAUSE TestGate\n"}
{"Action":"pause","Package":"demo","Test":"TestGate"}
{"Action":"run","Package":"demo","Test":"TestSub"}
{"Action":"output","Package":"demo","Test":"TestSub","Output":"=== RUN   TestSub\n"}
{"Action":"run","Package":"demo","Test":"TestSub/a"}
{"Action":"output","Package":"demo","Test":"TestSub/a","Output":"=== RUN   TestSub/a\n"}
{"Action":"output","Package":"demo","Test":"TestSub/a","Output":"    a_test.go:6: multi\n"}
{"Action":"output","Package":"demo","Test":"TestSub/a","Output":"        line\n"}
{"Action":"output","Package":"demo","Test":"TestSub/a","Output":"--- SKIP: TestSub/a (0.00s)\n"}
{"Action":"skip","Package":"demo","Test":"TestSub/a","Elapsed":0}
{"Action":"run","Package":"demo","Test":"TestSub/b"}
{"Action":"output","Package":"demo","Test":"TestSub/b","Output":"=== RUN   TestSub/b\n"}
{"Action":"output","Package":"demo","Test":"TestSub/b","Output":"    a_test.go:6: boom\n"}
{"Action":"output","Package":"demo","Test":"TestSub/b","Output":"--- FAIL: TestSub/b (0.00s)\n"}
{"Action":"fail","Package":"demo","Test":"TestSub/b","Elapsed":0}
{"Action":"output","Package":"demo","Test":"TestSub","Output":"--- FAIL: TestSub (0.00s)\n"}
{"Action":"fail","Package":"demo","Test":"TestSub","Elapsed":0}
{"Action":"cont","Package":"demo","Test":"TestGate"}
{"Action":"output","Package":"demo","Test":"TestGate","Output":"=== CONT  TestGate\n"}
{"Action":"output","Package":"demo","Test":"TestGate","Output":"    a_test.go:4: first\n"}
{"Action":"output","Package":"demo","Test":"TestGate","Output":"    a_test.go:4: Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n"}
{"Action":"output","Package":"demo","Test":"TestGate","Output":"--- SKIP: TestGate (0.00s)\n"}
{"Action":"skip","Package":"demo","Test":"TestGate","Elapsed":0}
{"Action":"run","Package":"demo","Test":"TestAcc"}
{"Action":"output","Package":"demo","Test":"TestAcc","Output":"=== RUN   TestAcc\n"}
{"Action":"output","Package":"demo","Test":"TestAcc","Output":"    a_test.go:5: Acceptance tests skipped unless env 'TF_ACC' set\n"}
{"Action":"output","Package":"demo","Test":"TestAcc","Output":"--- SKIP: TestAcc (0.00s)\n"}
{"Action":"skip","Package":"demo","Test":"TestAcc","Elapsed":0}
{"Action":"output","Package":"demo","Output":"FAIL\n"}
{"Action":"output","Package":"demo","Output":"FAIL\tdemo\t0.044s\n"}
{"Action":"fail","Package":"demo","Elapsed":0.068}
`

func judge(t *testing.T, input string, extra ...*regexp.Regexp) (bool, string) {
	t.Helper()
	return judgeGates(t, input, false, extra...)
}

// judgeGates is judge with the version gates allowed or not (-no-version-gates).
func judgeGates(t *testing.T, input string, noVersionGates bool, extra ...*regexp.Regexp) (bool, string) {
	t.Helper()
	var out strings.Builder
	ok, err := run(strings.NewReader(input), newGuard(&out, noVersionGates, extra))
	if err != nil {
		t.Fatal(err)
	}
	return ok, out.String()
}

func TestGuard(t *testing.T) {
	ok, out := judge(t, stream)
	if ok {
		t.Error("a stream with a failure and a TF_ACC skip passed")
	}
	for _, want := range []string{
		// A failed test's output, without the === framing; a passing test's output is not shown.
		"    a_test.go:6: boom\n--- FAIL: TestSub/b (0.00s)\n--- FAIL: TestSub (0.00s)\n",
		// Skips are shown with their reason.
		"    a_test.go:4: first\n    a_test.go:4: Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n--- SKIP: TestGate (0.00s)\n",
		"FAIL\tdemo\t0.044s\n",
		"skipguard: 1 tests passed, 1 skipped by a version gate, 0 skipped as -allow allows, 2 skipped otherwise, 3 failed\n",
		"  demo TestSub/a: multi\n    line\n  demo TestAcc: Acceptance tests skipped unless env 'TF_ACC' set\n",
		"skipguard: FAIL: demo TestSub/b, demo TestSub, demo\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"hello", "=== RUN", "demo TestGate:"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("the output has %q:\n%s", unwanted, out)
		}
	}
}

// Only the skips decide when nothing fails; -allow patterns add to the version gates.
func TestGuard_skipsAlone(t *testing.T) {
	var passing []string
	for line := range strings.Lines(stream) {
		if !strings.Contains(line, "TestSub") && !strings.Contains(line, `"FAIL`) && !strings.Contains(line, `"fail"`) {
			passing = append(passing, line)
		}
	}
	withAccSkip := strings.Join(passing, "")
	if ok, out := judge(t, withAccSkip); ok {
		t.Errorf("a TF_ACC skip passed:\n%s", out)
	}
	if ok, out := judge(t, withAccSkip, regexp.MustCompile(`^Acceptance tests skipped`)); !ok {
		t.Errorf("a skip matching -allow failed:\n%s", out)
	}
	var gatedOnly []string
	for _, line := range passing {
		if !strings.Contains(line, "TestAcc") {
			gatedOnly = append(gatedOnly, line)
		}
	}
	if ok, out := judge(t, strings.Join(gatedOnly, "")); !ok {
		t.Errorf("a version-gated skip failed:\n%s", out)
	}
}

// With -no-version-gates (the newest CLI) a version-gated skip fails too; -allow patterns still apply.
func TestGuard_noVersionGates(t *testing.T) {
	var gatedOnly []string
	for line := range strings.Lines(stream) {
		if strings.Contains(line, `"TestGate"`) || strings.Contains(line, `"TestPass"`) {
			gatedOnly = append(gatedOnly, line)
		}
	}
	ok, out := judgeGates(t, strings.Join(gatedOnly, ""), true)
	if ok {
		t.Errorf("a version-gated skip passed with -no-version-gates:\n%s", out)
	}
	for _, want := range []string{
		"skipguard: 1 tests passed, 0 skipped by a version gate, 0 skipped as -allow allows, 1 skipped otherwise, 0 failed\n",
		"skipguard: FAIL: these tests were skipped, and no test may skip on the newest CLI, not even by a version gate:\n" +
			"  demo TestGate: Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if ok, out := judgeGates(t, strings.Join(gatedOnly, ""), true, regexp.MustCompile(`^Terraform CLI version 1\.11\.4 `)); !ok {
		t.Errorf("a skip matching -allow failed with -no-version-gates:\n%s", out)
	}
}

// -max-allowed bounds the skips that -allow patterns allow, and counts no version gate among them.
func TestGuard_maxAllowed(t *testing.T) {
	var skipsOnly []string
	for line := range strings.Lines(stream) {
		if strings.Contains(line, `"TestGate"`) || strings.Contains(line, `"TestAcc"`) || strings.Contains(line, `"TestPass"`) {
			skipsOnly = append(skipsOnly, line)
		}
	}
	judgeMax := func(maxAllowed int) (bool, string) {
		var out strings.Builder
		g := newGuard(&out, false, []*regexp.Regexp{regexp.MustCompile(`^Acceptance tests skipped`)})
		g.maxExtra = maxAllowed
		ok, err := run(strings.NewReader(strings.Join(skipsOnly, "")), g)
		if err != nil {
			t.Fatal(err)
		}
		return ok, out.String()
	}
	if ok, out := judgeMax(1); !ok || !strings.Contains(out, "1 skipped by a version gate, 1 skipped as -allow allows, 0 skipped otherwise") {
		t.Errorf("one allowed skip failed -max-allowed 1:\n%s", out)
	}
	ok, out := judgeMax(0)
	if want := "skipguard: FAIL: 1 tests were skipped as -allow allows, more than -max-allowed 0:\n" +
		"  demo TestAcc: Acceptance tests skipped unless env 'TF_ACC' set\n"; ok || !strings.Contains(out, want) {
		t.Errorf("one allowed skip passed -max-allowed 0, or the output lacks %q:\n%s", want, out)
	}
}

func TestGuard_buildFailure(t *testing.T) {
	ok, out := judge(t, `{"ImportPath":"demo/broken [demo/broken.test]","Action":"build-output","Output":"# demo/broken [demo/broken.test]\n"}
{"ImportPath":"demo/broken [demo/broken.test]","Action":"build-output","Output":"broken/b.go:2:12: undefined: x\n"}
{"ImportPath":"demo/broken [demo/broken.test]","Action":"build-fail"}
{"Action":"start","Package":"demo/broken"}
{"Action":"output","Package":"demo/broken","Output":"FAIL\tdemo/broken [build failed]\n"}
{"Action":"fail","Package":"demo/broken","Elapsed":0,"FailedBuild":"demo/broken [demo/broken.test]"}
not json
`)
	if ok {
		t.Error("a build failure passed")
	}
	if want := "broken/b.go:2:12: undefined: x\nFAIL\tdemo/broken [build failed]\nnot json\n"; !strings.Contains(out, want) {
		t.Errorf("the output lacks %q:\n%s", want, out)
	}
}

func TestSkipReason(t *testing.T) {
	for _, tc := range []struct {
		output []string
		want   string
	}{
		{[]string{"=== RUN   T\n", "--- SKIP: T (0.00s)\n"}, ""},
		{[]string{"    x_test.go:1: a\n", "    x_test.go:2: b\n", "        c\n", "--- SKIP: T (0.00s)\n"}, "b\nc"},
		{[]string{"        helper_test.go:10: Terraform CLI version 1.11.4 is below minimum version 1.14.0: skipping test\n"},
			"Terraform CLI version 1.11.4 is below minimum version 1.14.0: skipping test"},
	} {
		if got := skipReason(tc.output); got != tc.want {
			t.Errorf("skipReason(%q) = %q, want %q", tc.output, got, tc.want)
		}
	}
}

// The allowed version gates are exactly tfversion's messages, with both versions.
func TestVersionGates(t *testing.T) {
	allowed := newGuard(nil, false, nil).isAllowed
	for _, reason := range []string{
		"Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test",
		"Terraform CLI version 1.12.6 is above maximum version 1.12.0: skipping test",
		"Terraform CLI version 1.13.0 is between 1.12.0 and 1.14.0: skipping test.",
	} {
		if !allowed(reason) {
			t.Errorf("%q is not allowed", reason)
		}
	}
	for _, reason := range []string{
		"Acceptance tests skipped unless env 'TF_ACC' set",
		"needs the emulator's fixture or knobs; not run against a live account",
		"Terraform CLI version is below minimum version: skipping test",
		"Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test, and more",
		"",
	} {
		if allowed(reason) {
			t.Errorf("%q is allowed", reason)
		}
	}
}
