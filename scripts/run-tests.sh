#!/usr/bin/env bash
# Runs every test: unit and storage suites (ctest, the storage contract suite on SQLite and
# PostgreSQL), the black-box API suite on SQLite and on PostgreSQL, the browser suite, and the
# scale-out test (two servers behind nginx on PostgreSQL). A throwaway PostgreSQL cluster is
# started for the run and stopped at the end, also when tests fail. Exits non-zero when any test fails.
#
# The suites share nothing: every API, browser and scale test starts its own servers on ports the
# kernel picks, each on its own SQLite file or its own PostgreSQL database, and ctest's storage
# tests make their own databases too. So they run side by side in two lanes, and one suite's waits
# (a server starting, a browser rendering, a fake clock) overlap another's work. Each suite writes
# its log under $BUILD; the summaries are printed in a fixed order once both lanes are done.
# A single test that hangs fails after TEST_TIMEOUT_MS instead of holding the whole run.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
export TONGBAN_BIN="$PWD/$BUILD/tongban"
TEST_TIMEOUT_MS=${TEST_TIMEOUT_MS:-600000}

status=0
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tongban-pg.XXXXXX")
chmod 755 "$PG_DIR"
stop_cluster() { scripts/pg-test-cluster.sh stop "$PG_DIR/cluster" >/dev/null 2>&1; rm -rf "$PG_DIR"; }
trap 'kill $(jobs -p) 2>/dev/null; stop_cluster' EXIT
if ! TONGBAN_TEST_PG_URL=$(PG_TEST_FSYNC=off scripts/pg-test-cluster.sh start "$PG_DIR/cluster"); then
  echo "PostgreSQL test cluster did not start: the PostgreSQL suites cannot run" >&2
  status=1
  unset TONGBAN_TEST_PG_URL
else
  export TONGBAN_TEST_PG_URL
fi

# Runs one suite: its output to $BUILD/<name>.log, its exit code to $BUILD/<name>.rc and its
# wall time in seconds to $BUILD/<name>.secs.
suite() {
  local name=$1
  shift
  local start=$SECONDS
  "$@" > "$BUILD/$name.log" 2>&1
  echo $? > "$BUILD/$name.rc"
  echo $((SECONDS - start)) > "$BUILD/$name.secs"
}
node_suite() {
  local name=$1
  shift
  suite "node-$name" node --test --test-concurrency=1 --test-timeout="$TEST_TIMEOUT_MS" --test-reporter=spec "$@"
}

have_pg() { [ -n "${TONGBAN_TEST_PG_URL:-}" ]; }
rm -f "$BUILD"/ctest*.rc "$BUILD"/node-*.rc

# The HTTP server's timing tests (idle connections evicted in order, read and idle timeouts) run
# first and alone: beside the other suites a loaded machine reorders what they measure (about 20 s).
SERVER_TESTS='^(ServerTest|ClientTest)\.'
suite ctest-server ctest --test-dir "$BUILD" --output-on-failure -j 2 --timeout 600 -R "$SERVER_TESTS"
# Balanced by the wall times printed with each summary (a clean clone here: ctest 673 s, each API
# suite about 900 s, browser 1090 s).
lane_a() {
  suite ctest ctest --test-dir "$BUILD" --output-on-failure -j 2 --timeout 600 -E "$SERVER_TESTS"
  if have_pg; then (export TONGBAN_TEST_DB=postgres; node_suite api-postgres tests/api/); fi
  if have_pg && [ -d tests/scale ]; then node_suite scale tests/scale/; fi
}
lane_b() {
  node_suite api-sqlite tests/api/
  node_suite browser tests/browser/
}
lane_a &
lane_b &
wait

c_pass=0
c_fail=0
for name in ctest-server ctest; do
  log="$BUILD/$name.log"
  echo "== unit and storage tests ($name, $(cat "$BUILD/$name.secs" 2>/dev/null) s)"
  grep -E "tests passed|\*\*\*Failed|\*\*\*Timeout|Not Run" "$log" | tail -40
  if ! grep -q "tests passed, 0 tests failed" "$log"; then
    status=1
    echo "-- ctest output (failures):"
    grep -B2 -A30 -E "\[  FAILED  \]|Failure" "$log" | head -200
  fi
  total=$(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+)$/\2/p' "$log")
  failed=$(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+)$/\1/p' "$log")
  c_pass=$(( c_pass + ${total:-0} - ${failed:-0} ))
  c_fail=$(( c_fail + ${failed:-1} ))
done

n_pass=0
n_fail=0
for name in api-sqlite browser api-postgres scale; do
  log="$BUILD/node-$name.log"
  [ -f "$BUILD/node-$name.rc" ] || continue
  echo "== $name ($(cat "$BUILD/node-$name.secs") s)"
  [ "$(cat "$BUILD/node-$name.rc")" = 0 ] || status=1
  grep -E '^ℹ (tests|pass|fail|skipped)' "$log"
  if grep -q '^✖ failing tests:' "$log"; then sed -n '/^✖ failing tests:/,$p' "$log" | head -150; fi
  p=$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$log")
  f=$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$log")
  n_pass=$((n_pass + ${p:-0}))
  n_fail=$((n_fail + ${f:-1}))
done

# One closing line for every runner.
echo "tests: $(( c_pass + n_pass )) passed, $(( c_fail + n_fail )) failed"
exit $status
