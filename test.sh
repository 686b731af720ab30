#!/usr/bin/env bash
# The test command: vet, every Go test (SQLite and PostgreSQL backends, the
# end-to-end acceptance tests), and a short run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")"
go vet ./...
go test -count=1 -timeout 15m ./...
# Each fuzz target briefly (FUZZTIME=0 skips; the seed corpora already ran above).
# The budget is a count of executions, not a duration: with a duration, Go's
# fuzz coordinator can report a spurious "context deadline exceeded" as the
# time runs out (golang/go#75804, fixed only in Go 1.27).
FUZZTIME="${FUZZTIME:-30000x}"
if [ "$FUZZTIME" != "0" ]; then
  for pkg in $(go list ./...); do
    for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
      echo "fuzz $pkg $target"
      if ! out=$(go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=1x -parallel=1 "$pkg" 2>&1); then
        echo "$out" | tail -40
        echo "FAIL: fuzz $pkg $target (a failing input is kept under that package's testdata/fuzz/)"
        exit 1
      fi
    done
  done
fi
echo "all tests passed"
