#!/usr/bin/env bash
# Runs every test: unit and storage suites (ctest, the storage contract suite on SQLite and
# PostgreSQL), the black-box API suite on SQLite and on PostgreSQL, the browser suite, and the
# scale-out test (two servers behind nginx on PostgreSQL). A throwaway PostgreSQL cluster is
# started for the run and stopped at the end, also when tests fail. Exits non-zero when any test fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
export TONGBAN_BIN="$PWD/$BUILD/tongban"

status=0
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tongban-pg.XXXXXX")
chmod 755 "$PG_DIR"
stop_cluster() { scripts/pg-test-cluster.sh stop "$PG_DIR/cluster" >/dev/null 2>&1; rm -rf "$PG_DIR"; }
trap stop_cluster EXIT
if ! TONGBAN_TEST_PG_URL=$(scripts/pg-test-cluster.sh start "$PG_DIR/cluster"); then
  echo "PostgreSQL test cluster did not start: the PostgreSQL suites cannot run" >&2
  status=1
  unset TONGBAN_TEST_PG_URL
else
  export TONGBAN_TEST_PG_URL
fi

echo "== unit and storage tests (ctest)"
ctest --test-dir "$BUILD" --output-on-failure -j 2 --timeout 600 > "$BUILD/ctest.log" 2>&1 || status=1
grep -E "tests passed|\*\*\*Failed|\*\*\*Timeout|Not Run" "$BUILD/ctest.log" | tail -40
if ! grep -q "tests passed, 0 tests failed" "$BUILD/ctest.log"; then
  echo "-- ctest output (failures):"
  grep -B2 -A30 -E "\[  FAILED  \]|Failure" "$BUILD/ctest.log" | head -200
fi

# node --test suites; each writes its log under $BUILD and adds to the totals.
n_pass=0
n_fail=0
run_node() {
  local name=$1
  shift
  echo "== $name"
  local log="$BUILD/node-$name.log"
  "$@" > "$log" 2>&1 || status=1
  grep -E '^ℹ (tests|pass|fail|skipped)' "$log"
  if grep -q '^✖ failing tests:' "$log"; then sed -n '/^✖ failing tests:/,$p' "$log" | head -150; fi
  local p f
  p=$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$log")
  f=$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$log")
  n_pass=$((n_pass + ${p:-0}))
  n_fail=$((n_fail + ${f:-1}))
}

run_node api-sqlite node --test --test-concurrency=1 --test-reporter=spec tests/api/
run_node browser node --test --test-concurrency=1 --test-reporter=spec tests/browser/
if [ -n "${TONGBAN_TEST_PG_URL:-}" ]; then
  run_node api-postgres env TONGBAN_TEST_DB=postgres node --test --test-concurrency=1 --test-reporter=spec tests/api/
  if [ -d tests/scale ]; then
    run_node scale node --test --test-concurrency=1 --test-reporter=spec tests/scale/
  fi
fi

# One closing line for every runner.
c_total=$(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+)$/\2/p' "$BUILD/ctest.log")
c_fail=$(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+)$/\1/p' "$BUILD/ctest.log")
c_pass=$(( ${c_total:-0} - ${c_fail:-0} ))
echo "tests: $(( c_pass + n_pass )) passed, $(( ${c_fail:-1} + n_fail )) failed"
exit $status
