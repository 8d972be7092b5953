// Command skipguard reads `go test -json` output on stdin and prints it as `go test` without -v
// would: each package's result line, and the output of every failed test. It also prints every
// skipped test with its reason, and fails (exit code 1) if any test was skipped for a reason other
// than an allowed version gate, or if any test or package failed.
//
// `make test` runs the acceptance tests with TF_ACC set: there, a skipped test is a test that did
// not run, and CI must not pass by running nothing. The only skips allowed are the version gates of
// terraform-plugin-testing's tfversion package (a step that needs a newer Terraform CLI than the one
// running), whose reason names both versions, plus any -allow pattern. With -no-version-gates even
// those fail: on the newest CLI the project supports, a version gate that skips gates a feature
// that then no run tests.
//
//	go test -json ./... | go run ./internal/tools/skipguard [-no-version-gates] [-allow REGEXP]...
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
	out     io.Writer
	allowed []*regexp.Regexp
	rule    string              // which skips may happen, for the verdict
	output  map[string][]string // each running test's output, by package and test
	passed  int
	gated   []skip // skipped for an allowed reason
	denied  []skip // skipped for any other reason
	failed  []string
}

// newGuard makes a guard that allows the skips that extra matches, and the version gates unless
// noVersionGates.
func newGuard(out io.Writer, noVersionGates bool, extra []*regexp.Regexp) *guard {
	g := &guard{out: out, allowed: extra, output: map[string][]string{}}
	if noVersionGates {
		g.rule = "no test may skip on the newest CLI, not even by a version gate"
	} else {
		g.allowed = append(slices.Clone(versionGates), extra...)
		g.rule = "only version gates may skip here (is TF_ACC set?)"
	}
	return g
}

func (g *guard) isAllowed(reason string) bool {
	for _, re := range g.allowed {
		if re.MatchString(reason) {
			return true
		}
	}
	return false
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
		if g.isAllowed(s.reason) {
			g.gated = append(g.gated, s)
		} else {
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
	fmt.Fprintf(g.out, "skipguard: %d tests passed, %d skipped by a version gate, %d skipped otherwise, %d failed\n",
		g.passed, len(g.gated), len(g.denied), len(g.failed))
	if len(g.denied) > 0 {
		fmt.Fprintf(g.out, "skipguard: FAIL: these tests were skipped, and %s:\n", g.rule)
		for _, s := range g.denied {
			fmt.Fprintf(g.out, "  %s: %s\n", s.test, strings.ReplaceAll(s.reason, "\n", "\n    "))
		}
	}
	if len(g.failed) > 0 {
		fmt.Fprintf(g.out, "skipguard: FAIL: %s\n", strings.Join(g.failed, ", "))
	}
	return len(g.denied) == 0 && len(g.failed) == 0
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
	flag.Parse()
	ok, err := run(os.Stdin, newGuard(os.Stdout, *noVersionGates, allowed))
	if err != nil {
		fmt.Fprintln(os.Stderr, "skipguard:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}
