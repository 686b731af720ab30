package concord_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// domain packages take values and return values: no I/O, no adapters.
var domain = []string{
	"internal/geo", "internal/zones", "internal/journal", "internal/airspace",
	"internal/ceasefire", "internal/feed/sbs", "internal/feed/ucdp",
	"internal/protection", "internal/access", "internal/witness",
}

// forbidden imports for domain packages (outside their tests).
var forbidden = []string{
	"database/sql", "net", "net/http", "os", "os/exec", "io/ioutil", "log", "log/slog",
	"concord/internal/store", "concord/internal/api", "concord/internal/mechanism", "concord/internal/client",
}

func TestDomainPackagesDoNoIO(t *testing.T) {
	for _, dir := range domain {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if len(files) == 0 {
			t.Errorf("domain package %s has no Go files", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			checkImports(t, f)
		}
	}
}

func checkImports(t *testing.T, file string) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	af, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range af.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		for _, f := range forbidden {
			if path == f || strings.HasPrefix(path, f+"/") {
				t.Errorf("%s imports %s: domain packages do no I/O and know no adapter", file, path)
			}
		}
	}
}
