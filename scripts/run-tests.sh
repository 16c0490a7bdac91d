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
grep -E "tests passed|tests failed|\*\*\*Failed|Failed|Exception" "$BUILD/ctest.log" | tail -40
[ $status -eq 0 ] || { echo "-- ctest output (failures):"; grep -B2 -A30 -E "\[  FAILED  \]|Failure" "$BUILD/ctest.log" | head -200; }

echo "== API and browser tests (node --test)"
node --test --test-concurrency=1 --test-reporter=spec tests/api/ tests/browser/ 2>&1 | tee "$BUILD/node-tests.log" | grep -vE '^\s+✔' | tail -60
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

exit $status
