package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// nodePGVersion is the node-postgres the matrix installs from npm.
const nodePGVersion = "pg@8"

var nodePG struct {
	once sync.Once
	dir  string // holds node_modules/pg
	err  error
}

// nodeModules installs node-postgres once into the user's cache (reused by later runs) and
// returns the node_modules directory.
func nodeModules(t *testing.T) string {
	t.Helper()
	install := "npm install --prefix <dir> " + nodePGVersion
	npm := needTool(t, "npm", "apt-get install -y npm")
	nodePG.once.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		nodePG.dir = filepath.Join(cache, "fakeshift-integration", "node-pg8")
		if installedPG(nodePG.dir) {
			return
		}
		// Install next to it and rename, so that a concurrent run never sees half a tree.
		if err := os.MkdirAll(filepath.Dir(nodePG.dir), 0o755); err != nil {
			nodePG.err = fmt.Errorf("make npm cache dir: %w", err)
			return
		}
		tmp, err := os.MkdirTemp(filepath.Dir(nodePG.dir), "node-pg8-*")
		if err != nil {
			nodePG.err = fmt.Errorf("make npm install dir: %w", err)
			return
		}
		defer os.RemoveAll(tmp)
		out, err := exec.Command(npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--loglevel=error", nodePGVersion).CombinedOutput()
		if err != nil {
			nodePG.err = fmt.Errorf("npm install %s: %w: %s", nodePGVersion, err, out)
			return
		}
		if err := os.Rename(tmp, nodePG.dir); err != nil && !installedPG(nodePG.dir) {
			nodePG.err = fmt.Errorf("move node-postgres into the cache: %w", err)
		}
	})
	if nodePG.err != nil {
		missing(t, "node-postgres ("+nodePG.err.Error()+")", strings.Replace(install, "<dir>", nodePG.dir, 1))
	}
	return filepath.Join(nodePG.dir, "node_modules")
}

// installedPG reports whether dir holds node-postgres 8.
func installedPG(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "pg", "package.json"))
	if err != nil {
		return false
	}
	var pkg struct{ Version string }
	return json.Unmarshal(b, &pkg) == nil && strings.HasPrefix(pkg.Version, "8.")
}

// nodeClient runs testdata/clients/client.js with node-postgres.
func nodeClient(t *testing.T) func(*testing.T, connSpec, ...stmt) clientOutput {
	node := needTool(t, "node", "apt-get install -y nodejs")
	modules := nodeModules(t)
	script, err := filepath.Abs("testdata/clients/client.js")
	if err != nil {
		t.Fatalf("find client.js: %v", err)
	}
	return func(t *testing.T, c connSpec, stmts ...stmt) clientOutput {
		return runClientProgram(t, []string{node, script}, []string{"NODE_PATH=" + modules}, c, stmts...)
	}
}
