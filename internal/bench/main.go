// Command bench measures the provider against Terraform itself: `make bench` runs it from the
// repository root and it writes BENCHMARKS.md. It builds the provider and the emulator, runs the
// emulator as a separate process with added latency per request (a SaaS API seen from a CI runner),
// drives the terraform CLI through a dev_overrides CLI configuration (never `terraform init`), and
// measures in one run:
//
//   - apply, refreshing plan and `-refresh=false` plan (the floor) of N managed resources, half
//     invite links and half sub-organization memberships, with the API requests the refresh makes
//     and the provider's peak RSS;
//   - the same N of Terraform's built-in terraform_data, for scale;
//   - the refresh with batch_reads = false, and with the emulator limited to 500 requests a minute;
//   - the invent_sub_orgs data source over many sub-organizations.
//
// With -scale (`make bench-scale`) it measures instead an apply and a refreshing plan of 5,000
// memberships, one run of each (scale.go), and writes that section of BENCHMARKS.md only.
//
// It exits non-zero when a figure misses the bar the performance issues set, naming which.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(benchMain())
}

// benchMain runs the benchmark and returns the exit code: 1 when it fails or misses a bar.
func benchMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	result, err := run(ctx, os.Args[1:], os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	missedBars := missed(result.bars())
	for _, b := range missedBars {
		fmt.Fprintf(os.Stderr, "bench: bar missed: %s (measured %s)\n", b.name, b.measured)
	}
	if len(missedBars) > 0 {
		return 1
	}
	return 0
}

// judged is what one benchmark run measured, as its bars and BENCHMARKS.md see it.
type judged interface {
	bars() []bar
	// document is BENCHMARKS.md with this run's figures, made from the current file's text.
	document(current string) string
}

// options are the command's flags.
type options struct {
	resources         int
	dataSourceSubOrgs int
	exclusiveMembers  int
	runs              int
	applyRuns         int
	latency           time.Duration
	rateLimit         int
	out               string
	terraform         string
	keep              bool
	quick             bool
	scale             bool
	args              []string // as given, for the report
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	o := options{args: args}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.resources, "n", 1000, "managed resources: half invent_invite_link, half invent_sub_org_membership")
	fs.IntVar(&o.dataSourceSubOrgs, "suborgs", 10000, "sub-organizations the invent_sub_orgs data source reads")
	fs.IntVar(&o.exclusiveMembers, "members", 1305, "user IDs of the invent_org_members_exclusive measured (exclusive.go)")
	fs.IntVar(&o.runs, "runs", 5, "runs of each plan; the report gives the median")
	fs.IntVar(&o.applyRuns, "apply-runs", 3, "runs of each apply, each from an empty state")
	fs.DurationVar(&o.latency, "latency", 50*time.Millisecond, "latency the emulator adds to every request")
	fs.IntVar(&o.rateLimit, "rate-limit", 500, "requests a minute for the rate-limited refresh (the API's limit)")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "write the report here, relative to the repository root; empty: stdout only")
	fs.StringVar(&o.terraform, "terraform", "", "the terraform CLI; default: terraform on PATH")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (configurations, logs, state) and print its path")
	fs.BoolVar(&o.quick, "quick", false, "smoke run: one run of each, 1,000 sub-organizations for the data source, no report file unless -out is given; the resources stay as many as the request bars name (-n)")
	fs.BoolVar(&o.scale, "scale", false, "measure at scale instead (make bench-scale): one apply and one refreshing plan of -n memberships (default 5000) at -latency (default 20ms); writes the scale section of -out")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.scale {
		if !set["n"] {
			o.resources = 5000
		}
		if !set["latency"] {
			o.latency = 20 * time.Millisecond
		}
	}
	if o.quick {
		quick := map[string]func(){
			"suborgs":    func() { o.dataSourceSubOrgs = 1000 },
			"runs":       func() { o.runs = 1 },
			"apply-runs": func() { o.applyRuns = 1 },
			"out":        func() { o.out = "" },
		}
		for name, apply := range quick {
			if !set[name] {
				apply()
			}
		}
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.scale && o.resources < 1:
		return o, fmt.Errorf("-n must be at least 1, got %d", o.resources)
	case !o.scale && (o.resources < 2 || o.resources%2 != 0):
		return o, fmt.Errorf("-n must be an even number of at least 2, got %d", o.resources)
	case o.exclusiveMembers < 2:
		return o, fmt.Errorf("-members must be at least 2, got %d", o.exclusiveMembers)
	case o.dataSourceSubOrgs < 1 || o.runs < 1 || o.applyRuns < 1 || o.rateLimit < 1 || o.latency < 0:
		return o, errors.New("-suborgs, -runs, -apply-runs and -rate-limit must be positive and -latency not negative")
	}
	return o, nil
}

// run runs the benchmark args ask for and returns what it measured, already printed to progress
// and written to the -out file.
func run(ctx context.Context, args []string, progress io.Writer) (judged, error) {
	opts, err := parseOptions(args, progress)
	if err != nil {
		return nil, err
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	tfPath := opts.terraform
	if tfPath == "" {
		if tfPath, err = exec.LookPath("terraform"); err != nil {
			return nil, errors.New("terraform is not on PATH: install it or pass -terraform")
		}
	}
	tmp, err := os.MkdirTemp("", "invent-bench-")
	if err != nil {
		return nil, err
	}
	if opts.keep {
		defer fmt.Fprintf(progress, "kept %s\n", tmp)
	} else {
		defer func() { _ = os.RemoveAll(tmp) }()
	}

	logf := func(format string, args ...any) { fmt.Fprintf(progress, format+"\n", args...) }
	logf("==> building the provider and the emulator into %s", tmp)
	bins, err := build(ctx, root, tmp)
	if err != nil {
		return nil, err
	}
	tf, err := newTerraform(ctx, tfPath, bins, tmp)
	if err != nil {
		return nil, err
	}
	b := &bench{opts: opts, bins: bins, tf: tf, tmp: tmp, logf: logf}
	var result judged
	if opts.scale {
		result, err = b.measureScale(ctx)
	} else {
		result, err = b.measureAll(ctx)
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(progress)
	fmt.Fprint(progress, result.document(""))
	if opts.out != "" {
		path := opts.out
		if !strings.HasPrefix(path, "/") {
			path = root + "/" + path
		}
		current, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(result.document(string(current))), 0o644); err != nil {
			return nil, err
		}
		logf("wrote %s", path)
	}
	return result, nil
}

// moduleRoot is the directory of the repository's go.mod, so that the command works from anywhere
// inside the repository (go run, go test).
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the provider's Go module: run from the repository (make bench)")
	}
	return strings.TrimSuffix(gomod, "/go.mod"), nil
}

// binaries are the programs the benchmark builds.
type binaries struct {
	provider string // terraform-provider-invent, found by Terraform through dev_overrides
	emulator string
}

func build(ctx context.Context, root, tmp string) (binaries, error) {
	bins := binaries{provider: tmp + "/bin/terraform-provider-invent", emulator: tmp + "/bin/invent-emulator"}
	for _, target := range []struct{ out, pkg string }{{bins.provider, "."}, {bins.emulator, "./internal/emulator/cmd/invent-emulator"}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", target.out, target.pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return bins, fmt.Errorf("go build %s: %w\n%s", target.pkg, err, out)
		}
	}
	return bins, nil
}
