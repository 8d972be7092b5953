// Command skipguard reads `go test -json` output on stdin and prints it as `go test` without -v
// would: each package's result line, and the output of every failed test. It also prints every
// skipped test with its reason, and fails (exit code 1) if any test was skipped for a reason other
// than an allowed version gate or an -allow pattern, if more tests than -max-allowed skipped for an
// -allow pattern, or if any test or package failed.
//
// `make test` runs the acceptance tests with TF_ACC set: there, a skipped test is a test that did
// not run, and CI must not pass by running nothing. The only skips allowed are the version gates of
// terraform-plugin-testing's tfversion package (a step that needs a newer Terraform CLI than the one
// running), whose reason names both versions, plus any -allow pattern. With -no-version-gates even
// those fail: on the newest CLI the project supports, a version gate that skips gates a feature
// that then no run tests. Against a live account the tests that need the emulator skip: -allow
// names their reasons, and -max-allowed bounds how many may.
//
//	go test -json ./... | go run ./internal/tools/skipguard [-no-version-gates] [-allow REGEXP]... [-max-allowed N]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// versionGates are the skip messages of terraform-plugin-testing v1.16.0's tfversion.SkipBelow,
// SkipAbove and SkipBetween (tfversion/skip_below.go, skip_above.go, skip_between.go).
var versionGates = []*regexp.Regexp{
	regexp.MustCompile(`^Terraform CLI version \S+ is below minimum version \S+: skipping test$`),
	regexp.MustCompile(`^Terraform CLI version \S+ is above maximum version \S+: skipping test$`),
	regexp.MustCompile(`^Terraform CLI version \S+ is between \S+ and \S+: skipping test\.$`),
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail events
	Test       string
	Output     string
}

// skip is a skipped test and the last message it logged, its reason.
type skip struct {
	test, reason string
}

// logLine is the start of a message a test logged: indentation, file:line, the message.
var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

// skipReason is the last message in a test's output.
func skipReason(output []string) string {
	var reason []string
	for _, line := range output {
		line = strings.TrimRight(line, "\n")
		if m := logLine.FindStringSubmatch(line); m != nil {
			reason = []string{m[1]}
		} else if len(reason) > 0 && strings.HasPrefix(line, "    ") {
			reason = append(reason, strings.TrimSpace(line))
		}
	}
	return strings.Join(reason, "\n")
}

// framing is what test2json's -v output adds around a test's own output.
func framing(line string) bool {
	return strings.HasPrefix(line, "=== ") || line == "PASS\n"
}

// guard follows the stream and judges it.
type guard struct {
	out   io.Writer
	gates []*regexp.Regexp // the version gates allowed
	extra []*regexp.Regexp // the -allow patterns
	// maxExtra is how many skips extra may allow; negative: any number.
	maxExtra int
	rule     string              // which skips may happen, for the verdict
	output   map[string][]string // each running test's output, by package and test
	passed   int
	gated    []skip // skipped by an allowed version gate
	allowed  []skip // skipped for a reason extra matches
	denied   []skip // skipped for any other reason
	failed   []string
}

// newGuard makes a guard that allows the skips that extra matches, any number of them, and the
// version gates unless noVersionGates.
func newGuard(out io.Writer, noVersionGates bool, extra []*regexp.Regexp) *guard {
	g := &guard{out: out, extra: extra, maxExtra: -1, output: map[string][]string{}}
	if noVersionGates {
		g.rule = "no test may skip on the newest CLI, not even by a version gate"
	} else {
		g.gates = slices.Clone(versionGates)
		g.rule = "only version gates may skip here (is TF_ACC set?)"
	}
	return g
}

// isAllowed reports whether a skip for reason is allowed, by a version gate or by -allow.
func (g *guard) isAllowed(reason string) bool {
	return matchesAny(g.gates, reason) || matchesAny(g.extra, reason)
}

func matchesAny(patterns []*regexp.Regexp, s string) bool {
	return slices.ContainsFunc(patterns, func(re *regexp.Regexp) bool { return re.MatchString(s) })
}

// print writes a test's output without the framing lines.
func (g *guard) print(lines []string) {
	for _, line := range lines {
		if !framing(line) {
			fmt.Fprint(g.out, line)
		}
	}
}

// line handles one line of the stream. A line that is not an event is printed as it is.
func (g *guard) line(text string) {
	var e event
	if !strings.HasPrefix(text, "{") || json.Unmarshal([]byte(text), &e) != nil {
		fmt.Fprintln(g.out, text)
		return
	}
	key := e.Package + " " + e.Test
	switch {
	case e.Action == "build-output":
		fmt.Fprint(g.out, e.Output)
	case e.Action == "build-fail":
		g.failed = append(g.failed, e.ImportPath+" (build failed)")
	case e.Test == "":
		switch e.Action {
		case "output":
			if !framing(e.Output) {
				fmt.Fprint(g.out, e.Output)
			}
		case "fail":
			g.failed = append(g.failed, e.Package)
		}
	case e.Action == "output":
		g.output[key] = append(g.output[key], e.Output)
	case e.Action == "pass":
		g.passed++
		delete(g.output, key)
	case e.Action == "fail":
		g.print(g.output[key])
		g.failed = append(g.failed, e.Package+" "+e.Test)
		delete(g.output, key)
	case e.Action == "skip":
		g.print(g.output[key])
		s := skip{test: e.Package + " " + e.Test, reason: skipReason(g.output[key])}
		switch {
		case matchesAny(g.gates, s.reason):
			g.gated = append(g.gated, s)
		case matchesAny(g.extra, s.reason):
			g.allowed = append(g.allowed, s)
		default:
			g.denied = append(g.denied, s)
		}
		delete(g.output, key)
	}
}

// finish prints the output of tests that never ended (a crash or a timeout) and the verdict, and
// reports whether everything passed with no skip but the allowed ones.
func (g *guard) finish() bool {
	for key, lines := range g.output {
		fmt.Fprintf(g.out, "skipguard: %s did not finish; its output:\n", key)
		g.print(lines)
	}
	fmt.Fprintf(g.out, "skipguard: %d tests passed, %d skipped by a version gate, %d skipped as -allow allows, %d skipped otherwise, %d failed\n",
		g.passed, len(g.gated), len(g.allowed), len(g.denied), len(g.failed))
	if len(g.denied) > 0 {
		fmt.Fprintf(g.out, "skipguard: FAIL: these tests were skipped, and %s:\n", g.rule)
		printSkips(g.out, g.denied)
	}
	tooMany := g.maxExtra >= 0 && len(g.allowed) > g.maxExtra
	if tooMany {
		fmt.Fprintf(g.out, "skipguard: FAIL: %d tests were skipped as -allow allows, more than -max-allowed %d:\n", len(g.allowed), g.maxExtra)
		printSkips(g.out, g.allowed)
	}
	if len(g.failed) > 0 {
		fmt.Fprintf(g.out, "skipguard: FAIL: %s\n", strings.Join(g.failed, ", "))
	}
	return len(g.denied) == 0 && !tooMany && len(g.failed) == 0
}

// printSkips lists skipped tests with their reasons.
func printSkips(out io.Writer, skips []skip) {
	for _, s := range skips {
		fmt.Fprintf(out, "  %s: %s\n", s.test, strings.ReplaceAll(s.reason, "\n", "\n    "))
	}
}

// run reads the stream from in and judges it.
func run(in io.Reader, g *guard) (bool, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		g.line(sc.Text())
	}
	if err := sc.Err(); err != nil {
		return false, err
	}
	return g.finish(), nil
}

func main() {
	var allowed []*regexp.Regexp
	flag.Func("allow", "a further `regexp` of allowed skip reasons (repeatable)", func(s string) error {
		re, err := regexp.Compile(s)
		allowed = append(allowed, re)
		return err
	})
	noVersionGates := flag.Bool("no-version-gates", false, "fail on version-gate skips too (for the newest CLI, where every test must run)")
	maxAllowed := flag.Int("max-allowed", -1, "fail if more than `N` tests skip for a reason an -allow pattern matches (negative: any number)")
	flag.Parse()
	g := newGuard(os.Stdout, *noVersionGates, allowed)
	g.maxExtra = *maxAllowed
	ok, err := run(os.Stdin, g)
	if err != nil {
		fmt.Fprintln(os.Stderr, "skipguard:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}
