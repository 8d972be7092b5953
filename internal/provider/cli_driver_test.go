package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// The CLI driver runs the real terraform binary against the provider built as a plugin binary, the
// way a user does, for what a fixed sequence of resource.TestSteps cannot express: applying until a
// configuration converges, interrupting an apply, reading terraform's log and state files. Terraform
// finds the provider through dev_overrides, so there is no `terraform init`.

// cliProviderSource is the provider's address in the configurations the driver writes. It names
// the registry host, which Terraform and OpenTofu would otherwise each fill in differently.
const cliProviderSource = "registry.terraform.io/orgkit/invent"

// providerBuildPrefix names the directories the provider binary is built into.
const providerBuildPrefix = "terraform-provider-invent-acc-"

// providerBuild is the provider binary, built once per test process.
var providerBuild struct {
	once sync.Once
	dir  string
	err  error
}

// providerBinaryDir returns the directory holding the provider binary, building it on first use.
func providerBinaryDir(t *testing.T) string {
	t.Helper()
	providerBuild.once.Do(func() {
		providerBuild.dir, providerBuild.err = buildProviderBinary()
	})
	if providerBuild.err != nil {
		t.Fatalf("building the provider binary: %v", providerBuild.err)
	}
	return providerBuild.dir
}

// buildProviderBinary builds the provider without -race: the tests drive it through terraform, and
// the race detector would only slow it down; the suite's in-process tests cover its races. The
// directory outlives the test that built it (tests share it, and without a TestMain nothing runs
// when the process ends), so each build first removes the builds of earlier runs: older than any
// test run lasts.
func buildProviderBinary() (string, error) {
	const staleAfter = 3 * time.Hour
	earlier, _ := filepath.Glob(filepath.Join(os.TempDir(), providerBuildPrefix+"*"))
	for _, dir := range earlier {
		if info, err := os.Stat(dir); err == nil && time.Since(info.ModTime()) > staleAfter {
			_ = os.RemoveAll(dir)
		}
	}
	dir, err := os.MkdirTemp("", providerBuildPrefix+"*")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-invent"),
		"github.com/orgkit/terraform-provider-invent")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return dir, nil
}

// cliWorkspace is one terraform working directory: its configuration, state and log files.
type cliWorkspace struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
}

// newCLIWorkspace prepares a working directory whose provider talks to baseURL with token ("": the
// configuration sets it). The provider reads both from the environment of the terraform process
// only (INVENT_BASE_URL, INVENT_API_TOKEN), so neither is written in the configuration; extraEnv
// ("NAME=value") adds to that environment, which otherwise holds nothing of the test process's but
// PATH.
func newCLIWorkspace(t *testing.T, baseURL, token string, extraEnv ...string) *cliWorkspace {
	t.Helper()
	skipUnlessAcc(t)
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Fatalf("the CLI tests need terraform: set TF_ACC_TERRAFORM_PATH or put it on PATH: %v", err)
		}
	}
	home := t.TempDir()
	cliConfig := filepath.Join(home, "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, cliProviderSource, providerBinaryDir(t)))
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + os.TempDir(),
		"TF_CLI_CONFIG_FILE=" + cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		EnvBaseURL + "=" + baseURL,
	}
	if token != "" {
		env = append(env, EnvAPIToken+"="+token)
	}
	return &cliWorkspace{t: t, terraform: tf, dir: t.TempDir(), env: append(env, extraEnv...)}
}

// withToken is the same working directory run with another API token, as when another person or a CI
// job runs the same configuration on the same state.
func (w *cliWorkspace) withToken(token string) *cliWorkspace {
	other := *w
	other.env = slices.DeleteFunc(slices.Clone(w.env), func(v string) bool { return strings.HasPrefix(v, EnvAPIToken+"=") })
	other.env = append(other.env, EnvAPIToken+"="+token)
	return &other
}

// writeConfig replaces the configuration with body, after the terraform block that takes the
// provider from the dev override.
func (w *cliWorkspace) writeConfig(body string) {
	w.t.Helper()
	writeFile(w.t, filepath.Join(w.dir, "main.tf"), fmt.Sprintf(`terraform {
  required_providers {
    invent = {
      source = %q
    }
  }
}
`, cliProviderSource)+body)
}

// cliRun is the outcome of one terraform command.
type cliRun struct {
	args     []string
	exitCode int
	stdout   string
	stderr   string
	elapsed  time.Duration
}

// output is what terraform printed, both streams.
func (r cliRun) output() string {
	return r.stdout + r.stderr
}

func (r cliRun) String() string {
	return fmt.Sprintf("terraform %s: exit code %d after %s\n%s", strings.Join(r.args, " "), r.exitCode,
		r.elapsed.Round(time.Millisecond), r.output())
}

// cliProcess is a terraform command under way.
type cliProcess struct {
	cmd            *exec.Cmd
	args           []string
	stdout, stderr bytes.Buffer
	started        time.Time
}

// start starts `terraform <command> -input=false -no-color <args>` in the working directory.
func (w *cliWorkspace) start(command string, args ...string) *cliProcess {
	w.t.Helper()
	p := &cliProcess{args: append([]string{command, "-input=false", "-no-color"}, args...)}
	p.cmd = exec.Command(w.terraform, p.args...)
	p.cmd.Dir, p.cmd.Env = w.dir, w.env
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	inProcessGroup(p.cmd)
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		w.t.Fatalf("starting terraform %s: %v", command, err)
	}
	return p
}

// wait waits for the command to end. A non-zero exit code is the caller's to judge.
func (p *cliProcess) wait(t *testing.T) cliRun {
	t.Helper()
	err := p.cmd.Wait()
	run := cliRun{args: p.args, stdout: p.stdout.String(), stderr: p.stderr.String(), elapsed: time.Since(p.started)}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		run.exitCode = exit.ExitCode()
	case err != nil:
		t.Fatalf("terraform %s: %v", p.args[0], err)
	}
	return run
}

// run runs `terraform <command> -input=false -no-color <args>` to its end.
func (w *cliWorkspace) run(command string, args ...string) cliRun {
	w.t.Helper()
	return w.start(command, args...).wait(w.t)
}

// mustRun runs a command that must succeed (exit code 0).
func (w *cliWorkspace) mustRun(command string, args ...string) cliRun {
	w.t.Helper()
	run := w.run(command, args...)
	if run.exitCode != 0 {
		w.t.Fatalf("%s", run)
	}
	return run
}

// expectNoChanges fails unless a plan finds nothing to do.
func (w *cliWorkspace) expectNoChanges() cliRun {
	w.t.Helper()
	run := w.run("plan", "-detailed-exitcode")
	if run.exitCode != 0 || !strings.Contains(run.stdout, "No changes.") {
		w.t.Fatalf("the plan after apply must find no changes (exit code 0), got:\n%s", run)
	}
	return run
}

// path is a file of the working directory.
func (w *cliWorkspace) path(name string) string {
	return filepath.Join(w.dir, name)
}

// stateResources are the instances of the managed resources of type resourceType in the state
// file, as attribute maps.
func (w *cliWorkspace) stateResources(resourceType string) []map[string]any {
	w.t.Helper()
	var out []map[string]any
	for _, inst := range w.stateInstances(resourceType) {
		out = append(out, inst.Attributes)
	}
	return out
}

// stateInstance is one resource instance of the state file.
type stateInstance struct {
	Attributes map[string]any `json:"attributes"`
	// Identity is the resource identity, recorded by clients that know identity (Terraform and
	// OpenTofu 1.12+).
	Identity map[string]any `json:"identity"`
}

// stateInstances are the instances of the managed resources of type resourceType in the state file.
func (w *cliWorkspace) stateInstances(resourceType string) []stateInstance {
	w.t.Helper()
	data, err := os.ReadFile(w.path("terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Mode      string          `json:"mode"`
			Type      string          `json:"type"`
			Instances []stateInstance `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		w.t.Fatalf("reading the state file: %v", err)
	}
	var out []stateInstance
	for _, r := range state.Resources {
		if r.Mode == "managed" && r.Type == resourceType {
			out = append(out, r.Instances...)
		}
	}
	return out
}

// version is the CLI's version, as `version -json` reports it (OpenTofu reports its own under the
// same key).
func (w *cliWorkspace) version() *version.Version {
	w.t.Helper()
	stdout := w.versionOutput("-json")
	var out struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(stdout, &out); err != nil {
		w.t.Fatalf("reading the CLI's version: %v", err)
	}
	v, err := version.NewVersion(out.Version)
	if err != nil {
		w.t.Fatalf("reading the CLI's version %q: %v", out.Version, err)
	}
	return v
}

// isOpenTofu reports whether the CLI is OpenTofu, whose `version` says "OpenTofu v…" where
// Terraform's says "Terraform v…" (`version -json` does not say which).
func (w *cliWorkspace) isOpenTofu() bool {
	w.t.Helper()
	return openTofuVersionLine.Match(w.versionOutput())
}

var openTofuVersionLine = regexp.MustCompile(`(?m)^OpenTofu v`)

// versionOutput is what `version` with args prints on stdout.
func (w *cliWorkspace) versionOutput(args ...string) []byte {
	w.t.Helper()
	cmd := exec.Command(w.terraform, append([]string{"version"}, args...)...)
	cmd.Dir, cmd.Env = w.dir, w.env
	stdout, err := cmd.Output()
	if err != nil {
		w.t.Fatalf("%s version %s: %v", w.terraform, strings.Join(args, " "), err)
	}
	return stdout
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
