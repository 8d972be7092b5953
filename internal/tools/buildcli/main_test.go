package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cliModule is a module laid out as Terraform's zip is: go.mod replaces two nested modules with
// local directories, and the zip holds only one of them (kept), not gone.
var cliModule = map[string]string{
	"go.mod": `module example.com/cli

go 1.22

require (
	example.com/cli/backends/gone v0.0.0-00010101000000-000000000000
	example.com/cli/backends/kept v0.0.0-00010101000000-000000000000
)

replace example.com/cli/backends/gone => ./backends/gone

replace example.com/cli/backends/kept => ./backends/kept
`,
	"backends/kept/go.mod": "module example.com/cli/backends/kept\n\ngo 1.22\n",
	"backends/kept/kept.go": `package kept

func New() string { return "kept" }
`,
	"main.go": `package main

import (
	"fmt"

	backends "example.com/cli/backendinit"
)

func main() { fmt.Println(len(backends.All)) }
`,
	"backendinit/init.go": `package backendinit

import (
	"sort"

	backendGone "example.com/cli/backends/gone"
	"example.com/cli/backends/kept"
)

// All are the backends.
var All = map[string]func() string{
	"local": func() string { return "local" },

	// Remote ones.
	"gone": func() string {
		return backendGone.New()
	},
	"kept": func() string { return kept.New() }, // stays
}

func Names() []string {
	var names []string
	for n := range All {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
`,
	// Tests are not built, so they are left as they are.
	"backendinit/init_test.go": `package backendinit

import _ "example.com/cli/backends/gone"
`,
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The missing nested module goes from go.mod and from the file that imports it, the one present
// stays, and the module then builds.
func TestDropMissingLocalModules(t *testing.T) {
	dir := writeTree(t, cliModule)
	dropped, err := dropMissingLocalModules(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 1 || dropped[0] != "example.com/cli/backends/gone" {
		t.Errorf("dropped %q, want only example.com/cli/backends/gone", dropped)
	}
	goMod := readFile(t, filepath.Join(dir, "go.mod"))
	if strings.Contains(goMod, "gone") || strings.Count(goMod, "example.com/cli/backends/kept") != 2 {
		t.Errorf("go.mod after the drop:\n%s", goMod)
	}
	want := `package backendinit

import (
	"sort"

	"example.com/cli/backends/kept"
)

// All are the backends.
var All = map[string]func() string{
	"local": func() string { return "local" },

	// Remote ones.
	"kept": func() string { return kept.New() }, // stays
}
`
	if got := readFile(t, filepath.Join(dir, "backendinit/init.go")); !strings.HasPrefix(got, want) {
		t.Errorf("init.go after the drop:\n%s\nwant it to start with:\n%s", got, want)
	}
	if got := readFile(t, filepath.Join(dir, "backendinit/init_test.go")); got != cliModule["backendinit/init_test.go"] {
		t.Errorf("init_test.go was changed:\n%s", got)
	}

	build := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "cli"), ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Errorf("the module does not build after the drop: %v\n%s", err, out)
	}
}

// A module with no missing local module is left as it is.
func TestDropMissingLocalModules_nothingMissing(t *testing.T) {
	files := map[string]string{}
	for name, content := range cliModule {
		files[name] = content
	}
	files["backends/gone/go.mod"] = "module example.com/cli/backends/gone\n\ngo 1.22\n"
	dir := writeTree(t, files)
	dropped, err := dropMissingLocalModules(dir)
	if err != nil || dropped != nil {
		t.Fatalf("dropped %q, %v; want nothing", dropped, err)
	}
	for _, name := range []string{"go.mod", "backendinit/init.go"} {
		if got := readFile(t, filepath.Join(dir, name)); got != files[name] {
			t.Errorf("%s was changed:\n%s", name, got)
		}
	}
}

// A use of a dropped package that is not an element of a composite literal, or one that shares its
// line with code that stays, is refused, naming where it is.
func TestDropMissingLocalModules_refusesOtherUses(t *testing.T) {
	for name, tc := range map[string]struct{ initGo, want string }{
		"a statement": {
			initGo: `package backendinit

import backendGone "example.com/cli/backends/gone"

func Gone() string { return backendGone.New() }
`,
			want: "init.go:5:29: a package of a dropped module is used outside a composite literal",
		},
		"a shared line": {
			initGo: `package backendinit

import (
	backendGone "example.com/cli/backends/gone"
	"example.com/cli/backends/kept"
)

var All = []string{kept.New(), backendGone.New()}
`,
			want: "init.go:8:32: cannot delete it: it shares its lines with other code",
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{
				"go.mod": cliModule["go.mod"], "backends/kept/go.mod": cliModule["backends/kept/go.mod"], "backendinit/init.go": tc.initGo,
			})
			_, err := dropMissingLocalModules(dir)
			if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
				t.Errorf("got error %v, want one ending with %q", err, tc.want)
			}
		})
	}
}

// The version check reads `version -json`, with no CLI configuration that OpenTofu would warn about
// on stdout, and refuses a binary that reports another version (1.15.9-dev, say).
func TestCheckVersion(t *testing.T) {
	t.Setenv("TF_CLI_CONFIG_FILE", filepath.Join(t.TempDir(), "missing.tfrc"))
	cli := filepath.Join(t.TempDir(), "tofu")
	script := `#!/bin/sh
[ -n "$TF_CLI_CONFIG_FILE" ] && echo "Warning: Unable to open CLI configuration file"
echo '{"terraform_version": "1.15.9-dev", "platform": "linux_amd64"}'
`
	if err := os.WriteFile(cli, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := checkVersion(cli, "1.15.9-dev"); err != nil {
		t.Errorf("checkVersion(1.15.9-dev): %v", err)
	}
	want := "the binary built reports version 1.15.9-dev, not 1.15.9"
	if err := checkVersion(cli, "1.15.9"); err == nil || err.Error() != want {
		t.Errorf("checkVersion(1.15.9) = %v, want %q", err, want)
	}
}
