#!/usr/bin/env bash
# Runs every test: unit and storage suites (ctest), then the black-box API suite and the browser
# suite against the real binary (node's test runner). Exits non-zero when any test fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
export TONGBAN_BIN="$PWD/$BUILD/tongban"

status=0
echo "== unit and storage tests (ctest)"
ctest --test-dir "$BUILD" --output-on-failure -j 2 --timeout 300 > "$BUILD/ctest.log" 2>&1 || status=1
grep -E "tests passed|\*\*\*Failed|\*\*\*Timeout|Not Run" "$BUILD/ctest.log" | tail -40
[ $status -eq 0 ] || { echo "-- ctest output (failures):"; grep -B2 -A30 -E "\[  FAILED  \]|Failure" "$BUILD/ctest.log" | head -200; }

echo "== API and browser tests (node --test)"
node --test --test-concurrency=1 --test-reporter=spec tests/api/ tests/browser/ > "$BUILD/node-tests.log" 2>&1 || status=1
# Passing tests are listed in the log; show what failed, if anything, and the totals.
grep -E '^ℹ' "$BUILD/node-tests.log"
if grep -q '^✖ failing tests:' "$BUILD/node-tests.log"; then
  sed -n '/^✖ failing tests:/,$p' "$BUILD/node-tests.log" | head -150
fi

# One closing line for both runners.
c_pass=$(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+)$/\2 \1/p' "$BUILD/ctest.log" | awk '{print $1-$2}')
c_fail=$(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+)$/\1/p' "$BUILD/ctest.log")
n_pass=$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$BUILD/node-tests.log")
n_fail=$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$BUILD/node-tests.log")
echo "tests: $(( ${c_pass:-0} + ${n_pass:-0} )) passed, $(( ${c_fail:-1} + ${n_fail:-1} )) failed"
exit $status
