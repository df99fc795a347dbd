package fakeshift_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/fakeshift/fakeshift"

type goPackage struct {
	ImportPath string
	Name       string
	Doc        string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	require.NoError(t, err, "go list")
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = p
	}
	return pkgs
}

func ours(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == module || strings.HasPrefix(p, module+"/") {
			out = append(out, strings.TrimPrefix(strings.TrimPrefix(p, module), "/"))
		}
	}
	return out
}

// TestImportBans keeps DESIGN.md's arrows pointing one way.
func TestImportBans(t *testing.T) {
	pkgs := listPackages(t)
	// Packages that import no package of ours, not even indirectly.
	for _, leaf := range []string{"pgwire", "sql", "store", "clock"} {
		p, ok := pkgs[leaf]
		if !ok {
			continue
		}
		require.Empty(t, ours(p.Deps), "%s must import no other fakeshift package", leaf)
	}
	// Direct imports that are never allowed.
	bans := map[string][]string{
		"cluster":     {"", "redshiftapi", "s3fake", "trail", "fixtures", "cmd/fakeshift"},
		"logger":      {"", "cluster", "redshiftapi", "s3fake", "trail", "pgwire"},
		"s3fake":      {"", "cluster", "logger", "redshiftapi", "pgwire", "sql"},
		"redshiftapi": {"", "fixtures", "cmd/fakeshift"},
		"trail":       {"", "cluster", "redshiftapi", "pgwire"},
		"auth":        {"", "cluster", "s3fake", "redshiftapi", "trail"},
		"sql/duckdb":  {"", "cluster", "pgwire", "store", "logger"},
	}
	for from, banned := range bans {
		p, ok := pkgs[from]
		if !ok {
			continue
		}
		imported := ours(p.Deps)
		for _, b := range banned {
			require.NotContains(t, imported, b, "%s must not import %q", from, module+"/"+b)
		}
	}
	// Only the binary, the fixtures and the end-to-end tests start the whole emulator.
	for path, p := range pkgs {
		if path == "" || path == "cmd/fakeshift" || path == "fixtures" || strings.HasPrefix(path, "integration") {
			continue
		}
		require.NotContains(t, ours(p.Imports), "", "%s must not import the root package", path)
	}
}

// TestPackageDocs: every package says what it owns.
func TestPackageDocs(t *testing.T) {
	for path, p := range listPackages(t) {
		if strings.HasPrefix(path, "integration") {
			continue
		}
		require.NotEmpty(t, p.Doc, "package %s has no package doc comment", p.ImportPath)
	}
}
