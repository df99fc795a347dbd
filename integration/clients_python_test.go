package integration

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// debianPython is the interpreter Debian's python3-psycopg2 installs for.
const debianPython = "/usr/bin/python3"

// psycopg2Client runs testdata/clients/client.py with psycopg2 under Debian's Python.
func psycopg2Client(t *testing.T) func(*testing.T, connSpec, ...stmt) clientOutput {
	if err := exec.Command(debianPython, "-c", "import psycopg2").Run(); err != nil {
		missing(t, "psycopg2 for "+debianPython, "apt-get install -y python3-psycopg2")
	}
	script, err := filepath.Abs("testdata/clients/client.py")
	if err != nil {
		t.Fatalf("find client.py: %v", err)
	}
	return func(t *testing.T, c connSpec, stmts ...stmt) clientOutput {
		return runClientProgram(t, []string{debianPython, script}, []string{"PYTHONDONTWRITEBYTECODE=1"}, c, stmts...)
	}
}
