package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// rssPollInterval is how often the provider's memory is sampled while terraform runs.
const rssPollInterval = 50 * time.Millisecond

// terraformCLI runs the terraform CLI with a CLI configuration whose dev_overrides point at the
// provider just built, so no configuration is ever initialised.
type terraformCLI struct {
	path string
	// executable is path with its symbolic links resolved: the name its processes run under.
	executable string
	version    string
	provider   string   // the provider binary, whose processes are sampled for memory
	env        []string // the environment of every run, before its own additions
	logDir     string
	runs       int // numbers the log files
}

func newTerraform(ctx context.Context, path string, bins binaries, tmp string) (*terraformCLI, error) {
	cliConfig := tmp + "/terraformrc"
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "orgkit/invent" = %q
  }
  direct {}
}
`, filepath.Dir(bins.provider))
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return nil, err
	}
	logDir := tmp + "/logs"
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	executable, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", path, err)
	}
	tf := &terraformCLI{
		path:       path,
		executable: executable,
		provider:   bins.provider,
		env: append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1",
			"CHECKPOINT_DISABLE=1", "TF_LOG=", "TF_INPUT=0"),
		logDir: logDir,
	}
	out, err := exec.CommandContext(ctx, path, "version", "-json").Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("reading %s version -json: %w", path, err)
	}
	tf.version = v.Version
	return tf, nil
}

// tfRun is what one terraform command cost.
type tfRun struct {
	elapsed time.Duration
	peakRSS int64 // bytes: the largest high-water RSS of any provider process during the run
	// terraformPeakRSS is the high-water RSS of the terraform process, in bytes.
	terraformPeakRSS int64
	logPath          string // the run's output (and the provider's log, when TF_LOG_PROVIDER is set)
}

// errPlanHasChanges is what a plan run with -detailed-exitcode reports for exit code 2.
var errPlanHasChanges = errors.New("the plan has changes")

// run runs terraform args in dir with env added, timing it and sampling the provider's memory. Its
// output goes to a numbered log file, whose end is quoted when it fails.
func (tf *terraformCLI) run(ctx context.Context, dir string, env []string, args ...string) (tfRun, error) {
	tf.runs++
	logPath := fmt.Sprintf("%s/%03d-%s-%s.log", tf.logDir, tf.runs, filepath.Base(dir), args[0])
	logFile, err := os.Create(logPath)
	if err != nil {
		return tfRun{}, err
	}
	defer func() { _ = logFile.Close() }()

	cmd := exec.CommandContext(ctx, tf.path, append(args, "-no-color")...)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), tf.env...), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile

	stopSampling := make(chan struct{})
	providerPeak, terraformPeak := make(chan int64, 1), make(chan int64, 1)
	go func() { providerPeak <- samplePeakRSS(tf.provider, stopSampling) }()
	go func() { terraformPeak <- samplePeakRSS(tf.executable, stopSampling) }()
	start := time.Now()
	runErr := cmd.Run()
	res := tfRun{elapsed: time.Since(start), logPath: logPath}
	close(stopSampling)
	res.peakRSS, res.terraformPeakRSS = <-providerPeak, <-terraformPeak

	var exit *exec.ExitError
	switch {
	case runErr == nil:
		return res, nil
	case errors.As(runErr, &exit) && exit.ExitCode() == 2 && slices.Contains(args, "-detailed-exitcode"):
		return res, fmt.Errorf("terraform %s in %s: %w (see %s)", args[0], dir, errPlanHasChanges, logPath)
	default:
		return res, fmt.Errorf("terraform %s in %s: %w\n%s", strings.Join(args, " "), dir, runErr, tail(logPath, 30))
	}
}

// tail is the last n lines of a file, for an error message.
func tail(path string, n int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// samplePeakRSS polls, until stop is closed, the memory high-water mark (VmHWM) of every running
// process of the executable exe, and returns the largest it saw. Terraform starts the provider
// several times per command, each a fresh process; the peak of the largest is what a CI runner
// must hold.
func samplePeakRSS(exe string, stop <-chan struct{}) int64 {
	var peak int64
	tick := time.NewTicker(rssPollInterval)
	defer tick.Stop()
	for {
		peak = max(peak, largestHWM(exe))
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}

// largestHWM is the largest VmHWM, in bytes, of the running processes of exe.
func largestHWM(exe string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var largest int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if target, err := os.Readlink("/proc/" + e.Name() + "/exe"); err != nil || target != exe {
			continue
		}
		largest = max(largest, statusKB("/proc/"+e.Name()+"/status", "VmHWM:")*1024)
	}
	return largest
}

// statusKB reads one "Name:   1234 kB" line of a /proc status file; 0 when absent (the process
// may have exited meanwhile).
func statusKB(path, field string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// loggedMillis finds the first provider log line with message msg in the log at path and returns its
// field, a number of milliseconds (tflog writes fields as key=value).
func loggedMillis(path, msg, field string) (time.Duration, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.Contains(line, msg) {
			continue
		}
		for _, word := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(word, field+"="); ok {
				ms, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return 0, fmt.Errorf("%s in %s: %w", field, path, err)
				}
				return time.Duration(ms) * time.Millisecond, nil
			}
		}
	}
	return 0, fmt.Errorf("no %q log line with %s in %s", msg, field, path)
}
