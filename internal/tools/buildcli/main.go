// Command buildcli builds a release of the Terraform or OpenTofu CLI from its Go module, as the
// GNUmakefile does for the CLIs the acceptance tests run on (bin/terraform-v1.15.9,
// bin/tofu-v1.12.6, ...):
//
//	go run ./internal/tools/buildcli -module github.com/hashicorp/terraform@v1.15.9 -o bin/terraform-v1.15.9
//	go run ./internal/tools/buildcli -module github.com/opentofu/opentofu@v1.12.6 -package ./cmd/tofu -o bin/tofu-v1.12.6
//
// It downloads the module through the Go module proxy, copies it to a temporary directory, and
// builds it there as the release build does, with <module>/version.dev=no (without it the binary
// calls itself 1.15.9-dev, which tfversion.SkipBelow(1.15.9) treats as older than 1.15.9). Then it
// checks that `version -json` reports the version asked for.
//
// The copy is needed because the module zip of a recent Terraform lacks the nested modules its
// go.mod replaces with local directories (the remote-state backends azure, consul, cos, gcs,
// kubernetes, oci, oss, pg and s3, and internal/legacy): the copy drops those replace and require
// lines and, from the Go files that import them (internal/backend/init/init.go), the imports and
// the map entries that use them. The acceptance tests use only the local backend.
//
// Nothing of the CLI is kept but the binary: neither the source nor the binary belongs in the
// repository (Terraform from 1.6 on is under the BUSL, which allows building it as a test tool).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

func main() {
	module := flag.String("module", "", "the CLI's module and version, `path@version` (github.com/hashicorp/terraform@v1.15.9)")
	pkg := flag.String("package", ".", "the main package, relative to the module's root")
	out := flag.String("o", "", "where to write the binary")
	flag.Parse()
	if *module == "" || *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*module, *pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "buildcli:", err)
		os.Exit(1)
	}
}

func run(module, pkg, out string) error {
	modPath, version, ok := strings.Cut(module, "@")
	if !ok || modPath == "" || !strings.HasPrefix(version, "v") {
		return fmt.Errorf("-module %q: want path@vX.Y.Z", module)
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "buildcli-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Printf("buildcli: downloading %s\n", module)
	cached, err := download(tmp, module)
	if err != nil {
		return err
	}
	src := filepath.Join(tmp, "src")
	if err := copyTree(cached, src); err != nil {
		return fmt.Errorf("copying %s: %w", cached, err)
	}
	dropped, err := dropMissingLocalModules(src)
	if err != nil {
		return err
	}
	for _, m := range dropped {
		fmt.Printf("buildcli: dropped %s, which the module zip lacks\n", m)
	}

	fmt.Printf("buildcli: building %s (a few minutes)\n", module)
	binary := filepath.Join(tmp, "cli")
	build := exec.Command("go", "build", "-trimpath",
		"-ldflags", fmt.Sprintf("-s -w -X %s/version.dev=no", modPath), "-o", binary, pkg)
	build.Dir, build.Stdout, build.Stderr = src, os.Stdout, os.Stderr
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build of %s: %w", module, err)
	}
	if err := checkVersion(binary, strings.TrimPrefix(version, "v")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	// Moved into place last, so that an interrupted build leaves no binary for make to trust.
	if err := moveFile(binary, out); err != nil {
		return err
	}
	fmt.Printf("buildcli: wrote %s\n", out)
	return nil
}

// download fetches module (path@version) into the module cache and returns its directory there.
// It runs in dir, an empty directory, so that no go.mod around it is consulted or changed.
func download(dir, module string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir, cmd.Stderr = dir, os.Stderr
	stdout, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jsonErr := json.Unmarshal(stdout, &info); jsonErr != nil && err == nil {
		err = jsonErr
	}
	if info.Error != "" {
		return "", fmt.Errorf("go mod download %s: %s", module, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", module, err)
	}
	return info.Dir, nil
}

// copyTree copies the directory from (the read-only module cache) to a new, writable directory to.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return copyFile(p, target, info.Mode().Perm()|0o200)
	})
}

func copyFile(from, to string, perm fs.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// moveFile renames from to to, or copies it where a rename cannot (another file system).
func moveFile(from, to string) error {
	if os.Rename(from, to) == nil {
		return nil
	}
	partial := to + ".partial"
	if err := copyFile(from, partial, 0o755); err != nil {
		return err
	}
	return os.Rename(partial, to)
}

// dropMissingLocalModules makes the module in dir buildable without the nested modules that its
// go.mod replaces with a local directory the module zip does not hold: it drops their replace and
// require lines, and, from the module's Go files (tests aside), the imports of their packages and
// the composite-literal elements that use them. It returns the module paths dropped.
func dropMissingLocalModules(dir string) ([]string, error) {
	goMod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(goMod)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(goMod, data, nil)
	if err != nil {
		return nil, err
	}
	var dropped []string
	for _, r := range slices.Clone(f.Replace) { // DropReplace edits f.Replace
		if !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, r.New.Path, "go.mod")); err == nil {
			continue
		}
		old := r.Old // DropReplace clears r
		if err := f.DropReplace(old.Path, old.Version); err != nil {
			return nil, err
		}
		if err := f.DropRequire(old.Path); err != nil {
			return nil, err
		}
		dropped = append(dropped, old.Path)
	}
	if len(dropped) == 0 {
		return nil, nil
	}
	f.Cleanup()
	if data, err = f.Format(); err != nil {
		return nil, err
	}
	if err := os.WriteFile(goMod, data, 0o644); err != nil {
		return nil, err
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != dir:
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go"):
			return nil
		}
		return dropImportsFromFile(p, dropped)
	})
	return dropped, err
}

// dropImportsFromFile removes from the Go file name its imports of packages of the modules dropped,
// and the elements of composite literals (such as a map's entries) that use them. Any other use of
// them is an error: what to do about it is not this tool's to guess.
func dropImportsFromFile(name string, dropped []string) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	// Most files import none of them: their imports are all that is read.
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(file.Imports, func(spec *ast.ImportSpec) bool { return isDropped(spec, dropped) }) {
		return nil
	}
	if file, err = parser.ParseFile(fset, name, src, parser.SkipObjectResolution); err != nil {
		return err
	}
	var cut []ast.Node         // whole lines to delete
	names := map[string]bool{} // the local names of the imports deleted
	for _, decl := range file.Decls {
		imports, ok := decl.(*ast.GenDecl)
		if !ok || imports.Tok != token.IMPORT {
			continue
		}
		for _, spec := range imports.Specs {
			spec := spec.(*ast.ImportSpec)
			if !isDropped(spec, dropped) {
				continue
			}
			importPath, _ := strconv.Unquote(spec.Path.Value)
			local := path.Base(importPath)
			if spec.Name != nil {
				local = spec.Name.Name
			}
			names[local] = true
			if imports.Lparen.IsValid() {
				cut = append(cut, spec)
			} else { // import x "path": the spec shares its line with the keyword
				cut = append(cut, imports)
			}
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		for _, elt := range lit.Elts {
			if len(selectorsOf(elt, names)) > 0 {
				cut = append(cut, elt)
			}
		}
		return true
	})
	for _, pos := range selectorsOf(file, names) {
		if !slices.ContainsFunc(cut, func(n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }) {
			return fmt.Errorf("%s: a package of a dropped module is used outside a composite literal", fset.Position(pos))
		}
	}
	out, err := deleteLines(fset, src, cut)
	if err != nil {
		return err
	}
	if out, err = format.Source(out); err != nil {
		return fmt.Errorf("%s after dropping imports: %w", name, err)
	}
	return os.WriteFile(name, out, 0o644)
}

// isDropped reports whether spec imports a package of one of the modules dropped.
func isDropped(spec *ast.ImportSpec, dropped []string) bool {
	importPath, err := strconv.Unquote(spec.Path.Value)
	return err == nil && slices.ContainsFunc(dropped, func(m string) bool {
		return importPath == m || strings.HasPrefix(importPath, m+"/")
	})
}

// selectorsOf are the positions in n of the selectors (x.Name) whose x is one of names.
func selectorsOf(n ast.Node, names map[string]bool) []token.Pos {
	var found []token.Pos
	ast.Inspect(n, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] {
				found = append(found, sel.Pos())
			}
		}
		return true
	})
	return found
}

// deleteLines deletes from src the lines the nodes span, each of which must have its lines to
// itself (a trailing comma or comment aside).
func deleteLines(fset *token.FileSet, src []byte, nodes []ast.Node) ([]byte, error) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	drop := make([]bool, len(lines))
	for _, n := range nodes {
		start, end := fset.Position(n.Pos()), fset.Position(n.End())
		before := lines[start.Line-1][:start.Column-1]
		after := strings.TrimSpace(string(lines[end.Line-1][end.Column-1:]))
		after = strings.TrimSpace(strings.TrimPrefix(after, ","))
		if len(bytes.TrimSpace(before)) > 0 || (after != "" && !strings.HasPrefix(after, "//")) {
			return nil, fmt.Errorf("%s: cannot delete it: it shares its lines with other code", start)
		}
		for l := start.Line; l <= end.Line; l++ {
			drop[l-1] = true
		}
	}
	var out []byte
	for i, line := range lines {
		if !drop[i] {
			out = append(out, line...)
		}
	}
	return out, nil
}

// checkVersion fails unless the CLI at binary reports version want (not want-dev).
func checkVersion(binary, want string) error {
	cmd := exec.Command(binary, "version", "-json")
	// OpenTofu warns on stdout, before the JSON, about a TF_CLI_CONFIG_FILE that does not exist; the
	// version needs no CLI configuration (empty is unset; exec keeps the last value of a variable).
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=")
	stdout, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s version -json: %w", binary, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(stdout, &v); err != nil {
		return fmt.Errorf("%s version -json: %w", binary, err)
	}
	if v.Version != want {
		return errors.New("the binary built reports version " + v.Version + ", not " + want)
	}
	return nil
}
