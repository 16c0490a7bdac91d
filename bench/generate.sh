#!/usr/bin/env bash
# `tongban demo generate` next to the database's raw bulk-load rate, measured in the same run
# (docs/PERFORMANCE.md). Usage: bench/generate.sh BUILD_DIR   (run.sh calls it; GENERATE=0 skips)
#
#   SQLite      demo generate --db sqlite:FILE            vs bulk_ceiling --sqlite (200-row prepared
#                                                          INSERTs, 50,000 rows per transaction)
#   PostgreSQL  demo generate --db postgresql://.../gen    vs bulk_ceiling --pg (COPY FROM STDIN)
# The ceiling writes as many rows as generate wrote, of the same shape, into a table with the same
# primary key. GEN_PERSONS persons (default 200,000; the issue's 1,000,000 takes a few minutes on
# a quiet machine), GEN_PERSONS/20 enterprises. PostgreSQL is a throwaway cluster from
# scripts/pg-test-cluster.sh (POSTGRES=0 skips it). Everything it starts is stopped on exit.
set -euo pipefail

PERSONS=${GEN_PERSONS:-200000}
ENTERPRISES=$((PERSONS / 20))
POSTGRES=${POSTGRES:-1}

[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd)
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TONGBAN="$BUILD_DIR/tongban"
CEILING="$BUILD_DIR/bench/bulk_ceiling"
PG_CLUSTER=${PG_CLUSTER_SCRIPT:-$REPO_DIR/scripts/pg-test-cluster.sh}
for f in "$TONGBAN" "$CEILING"; do [[ -x $f ]] || { echo "bench: $f is missing; build it first" >&2; exit 2; }; done

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tongban-generate.XXXXXX")
chmod 755 "$WORK_DIR"
PG_STARTED=0
cleanup() {
  [[ $PG_STARTED == 0 ]] || "$PG_CLUSTER" stop "$WORK_DIR/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT

# Runs demo generate into $1; prints "records seconds records_per_second".
generate() {
  local out
  out=$(cd "$REPO_DIR" && "$TONGBAN" demo generate --persons "$PERSONS" --enterprises "$ENTERPRISES" --seed 1 --db "$1" 2>/dev/null)
  grep '^Generated' <<< "$out" | sed -E 's/.* ([0-9]+) records in ([0-9.]+) s \(([0-9]+) records\/s\).*/\1 \2 \3/'
}

ROWS=()
echo "bench: demo generate --persons $PERSONS --enterprises $ENTERPRISES; $(nproc) CPU(s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
read -r records seconds rate < <(generate "sqlite:$WORK_DIR/generate.db")
read -r _ ceiling _ _ < <(cd "$REPO_DIR" && "$CEILING" --sqlite "$WORK_DIR/ceiling.db" --rows "$records" | sed 's/^sqlite //' | awk '{print "x", $1, $2, $3}')
ROWS+=("sqlite|$records|$seconds|$rate|$ceiling")
rm -f "$WORK_DIR"/*.db*

if [[ $POSTGRES == 1 ]]; then
  if PG_URL=$("$PG_CLUSTER" start "$WORK_DIR/pg" 2> "$WORK_DIR/pg.log"); then
    PG_STARTED=1
    PG_URL=$(tail -n 1 <<< "$PG_URL")
    psql "$PG_URL" -qX -v ON_ERROR_STOP=1 -c 'CREATE DATABASE gen' -c 'CREATE DATABASE ceiling' >/dev/null
    read -r records seconds rate < <(generate "${PG_URL%/*}/gen")
    ceiling=$("$CEILING" --pg "${PG_URL%/*}/ceiling" --rows "$records" 2>/dev/null | awk '{print $2}')
    ROWS+=("postgresql|$records|$seconds|$rate|$ceiling")
  else
    echo "bench: PostgreSQL not measured: $(tail -n 3 "$WORK_DIR/pg.log")" >&2
  fi
fi

printf '%-12s %10s %9s %14s %16s %7s\n' "database" "records" "seconds" "generate/s" "raw bulk load/s" "ratio"
for row in "${ROWS[@]}"; do
  IFS='|' read -r db records seconds rate ceiling <<< "$row"
  ratio=$(awk -v a="$rate" -v b="$ceiling" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }')
  printf '%-12s %10s %9s %14s %16s %7s\n' "$db" "$records" "$seconds" "$rate" "$ceiling" "$ratio"
done
