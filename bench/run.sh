#!/usr/bin/env bash
# HTTP benchmarks (docs/PERFORMANCE.md). Usage: bench/run.sh BUILD_DIR   (or: make bench)
#
# Starts bench/bare_beast (the ceiling: a minimal Beast server) and `tongban serve --demo` on a
# fresh temporary SQLite database, each on a free port, runs wrk against
#   bare_beast  GET /
#   tongban     GET /api/v1/items/market.business-licence
#   tongban     POST /api/v1/applications   (bench/submit.lua, bearer token from POST /api/v1/session)
# and prints req/s, p99 latency and the ratio to the ceiling. Every process it starts is stopped
# on exit. Without BUILD_DIR/tongban (or if it does not come up) only the ceiling is measured.
set -euo pipefail

# The demo account used for the write benchmark (printed by `tongban serve --demo`).
USERNAME=zhang.wei
PASSWORD=demo-password-1

THREADS=${THREADS:-2}          # wrk threads, and server worker threads
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}
ITEM_PATH=/api/v1/items/market.business-licence

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BARE="$BUILD_DIR/bench/bare_beast"
TONGBAN="$BUILD_DIR/tongban"

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done
[[ -x "$BARE" ]] || { echo "bench: $BARE is missing; build the bare_beast target first" >&2; exit 2; }

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tongban-bench.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    # Give a graceful shutdown a few seconds, then insist.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody listens on (checked by trying to connect to it).
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "bench: no free port found" >&2
  return 1
}

# Waits until `url` answers anything over HTTP, or the process `pid` dies, or 60 s pass.
wait_for_http() {
  local url=$1 pid=$2
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.1
  done
  return 1
}

# Runs wrk and prints "REQ_PER_SEC P99 NON_2XX" (P99 as wrk prints it, e.g. 2.31ms).
RESULTS=()
measure() {
  local name=$1
  shift
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" 2>&1) || {
    echo "bench: wrk failed for $name:" >&2
    echo "$out" >&2
    return 1
  }
  echo "$out" > "$WORK_DIR/wrk-${name//[^a-zA-Z0-9]/_}.txt"
  local rps p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")
  p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<< "$out")
  RESULTS+=("$name|${rps:-0}|${p99:--}|${non2xx:-0}")
}

echo "bench: wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(nproc) CPU(s) shared by the servers and wrk"

# 1. The ceiling.
BARE_PORT=$(free_port)
"$BARE" --port "$BARE_PORT" --threads "$THREADS" > "$WORK_DIR/bare_beast.log" 2>&1 &
PIDS+=($!)
wait_for_http "http://127.0.0.1:$BARE_PORT/" "${PIDS[-1]}" || { echo "bench: bare_beast did not start" >&2; exit 1; }
measure "bare_beast GET /" "http://127.0.0.1:$BARE_PORT/"
CEILING=$(cut -d'|' -f2 <<< "${RESULTS[0]}")

# 2. Tongban, on a fresh database with the demo accounts.
if [[ -x "$TONGBAN" ]]; then
  TB_PORT=$(free_port)
  cat > "$WORK_DIR/tongban.yaml" <<EOF
threads: $THREADS
access_log: true
EOF
  (cd "$REPO_DIR" && exec "$TONGBAN" serve --config "$WORK_DIR/tongban.yaml" --db "sqlite:$WORK_DIR/bench.db" \
      --listen "127.0.0.1:$TB_PORT" --demo) > "$WORK_DIR/tongban.log" 2>&1 &
  PIDS+=($!)
  TB_URL="http://127.0.0.1:$TB_PORT"
  if wait_for_http "$TB_URL$ITEM_PATH" "${PIDS[-1]}"; then
    status=$(curl -s -o /dev/null -w '%{http_code}' "$TB_URL$ITEM_PATH")
    if [[ $status == 200 ]]; then
      measure "tongban GET $ITEM_PATH" "$TB_URL$ITEM_PATH"
    else
      echo "bench: GET $ITEM_PATH answers $status; skipped" >&2
    fi

    session=$(curl -s -X POST "$TB_URL/api/v1/session" -H 'Content-Type: application/json' \
      -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" || true)
    TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<< "$session")
    if [[ -n $TOKEN ]]; then
      export TOKEN
      measure "tongban POST /api/v1/applications" -s "$REPO_DIR/bench/submit.lua" "$TB_URL"
    else
      echo "bench: could not log in as $USERNAME (answer: ${session:0:200}); POST skipped" >&2
    fi
  else
    echo "bench: tongban did not serve $ITEM_PATH; only the ceiling was measured. Its log:" >&2
    tail -n 20 "$WORK_DIR/tongban.log" >&2 || true
  fi
else
  echo "bench: $TONGBAN not built; only the ceiling was measured" >&2
fi

# 3. The table.
echo
printf '%-50s %12s %10s %9s %8s\n' "benchmark" "req/s" "p99" "non-2xx" "ratio"
for row in "${RESULTS[@]}"; do
  IFS='|' read -r name rps p99 non2xx <<< "$row"
  ratio=$(awk -v a="$rps" -v b="$CEILING" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }')
  printf '%-50s %12s %10s %9s %8s\n' "$name" "$rps" "$p99" "$non2xx" "$ratio"
done
