#!/usr/bin/env bash
# Benchmarks (docs/PERFORMANCE.md). Usage: bench/run.sh BUILD_DIR   (or: make bench)
#
# One run measures, one after the other (each server stopped before the next starts):
#   ceilings    bare_beast GET /                              (HTTP: a minimal Beast server; at the
#                                                              start and the end, the better counts)
#               sqlite_ceiling                                 (raw durable SQLite inserts shaped like
#                                                              a submission: 1 and 64 per transaction)
#               pgbench -i -s 10; pgbench -c 8 -j 2 -T 20      (TPC-B-like, on the PostgreSQL cluster)
#   signing     crypto_bench                                   (JWS sign/verify next to raw libsodium on
#                                                              one core; RFC 9162 proofs at 10M leaves)
#   access log  access_log_bench                               (sequencing next to raw SQLite inserts;
#                                                              an inclusion proof at 10M leaves next
#                                                              to raw SHA-256 of as many hashes)
#   dashboards  metrics_bench, SQLite then PostgreSQL          (a department's and the city's month
#                                                              over 1M cases' counters, next to one
#                                                              raw SELECT; submissions with and
#                                                              without the counting effects)
#   SQLite      tongban serve --db sqlite:FILE                 GET /api/v1/items/market.business-licence
#                                                              POST /api/v1/applications (bench/submit.lua)
#                                                              POST /api/v1/verify (bench/verify.lua), to
#                                                              raw libsodium verify x cores
#                                                              POST /api/v1/identity-codes/verify (the
#                                                              same script), to the same ceiling
#   federation  bench/peer_verify_bench.mjs                    POST /api/v1/verify of a peer's licence
#                                                              (two platforms, cached lists) next to a
#                                                              local licence on the same server
#   跨省通办     bench/forward_bench.mjs                        cross-province cases filed, forwarded and
#                                                              taken between two platforms, next to local
#                                                              submissions on one
#   PostgreSQL  tongban serve --db postgresql://.../DB         the same two
# and prints req/s, p99 latency, non-2xx answers and the ratio to the relevant ceiling: reads to
# bare_beast, SQLite submissions to sqlite_ceiling with 64 per transaction (the server's single
# writer groups the commits of concurrent requests, so that is its ceiling; one per transaction is
# shown as the disk's fsync rate), PostgreSQL submissions to pgbench TPS. PostgreSQL is a throwaway cluster from scripts/pg-test-cluster.sh with a fresh
# database; when it cannot be started the script says why and measures SQLite only. Every process
# it starts (servers, the cluster) is stopped on exit. Without BUILD_DIR/tongban only the ceilings
# are measured.
set -euo pipefail

# The demo account used for the write benchmark (printed by `tongban serve --demo`).
USERNAME=zhang.wei
PASSWORD=demo-password-1

THREADS=${THREADS:-2}                  # wrk threads, and the servers' I/O threads
WORKER_THREADS=${WORKER_THREADS:-}      # tongban's worker_threads; empty: the server's default
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}
CEILING_SECONDS=${CEILING_SECONDS:-10}  # each sqlite_ceiling shape
PGBENCH_SECONDS=${PGBENCH_SECONDS:-20}
PGBENCH_SCALE=${PGBENCH_SCALE:-10}
POSTGRES=${POSTGRES:-1}                 # POSTGRES=0 measures SQLite only
ITEM_PATH=/api/v1/items/market.business-licence

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BARE="$BUILD_DIR/bench/bare_beast"
SQLITE_CEILING="$BUILD_DIR/bench/sqlite_ceiling"
TONGBAN="$BUILD_DIR/tongban"
PG_CLUSTER=${PG_CLUSTER_SCRIPT:-$REPO_DIR/scripts/pg-test-cluster.sh}

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done
[[ -x "$BARE" ]] || { echo "bench: $BARE is missing; build the bare_beast target first" >&2; exit 2; }

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tongban-bench.XXXXXX")
# The cluster's files belong to the postgres user when run as root; it must reach them.
chmod 755 "$WORK_DIR"
PG_DIR="$WORK_DIR/pg"
PG_STARTED=0
PIDS=()

# SIGTERM, a few seconds for a graceful shutdown, then SIGKILL.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [[ $PG_STARTED == 1 ]]; then
    "$PG_CLUSTER" stop "$PG_DIR" >/dev/null 2>&1 || echo "bench: could not stop the PostgreSQL cluster in $PG_DIR" >&2
  fi
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Stops the most recently started process and forgets it.
stop_last() {
  stop_pid "${PIDS[-1]}"
  unset 'PIDS[-1]'
}

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

# Rows of the table: "name|req/s|p99|non-2xx|ceiling key" (an empty key marks a ceiling row).
RESULTS=()
declare -A CEILING CEILING_NAME

# Runs wrk against the rest of the arguments and records a row compared with ceiling `key`.
measure() {
  local name=$1 key=$2
  shift 2
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
  RESULTS+=("$name|${rps:-0}|${p99:--}|${non2xx:-0}|$key")
  LAST_RPS=${rps:-0}
}

# Records a ceiling measured by other means: key, short name, row label, rate, p99.
ceiling() {
  local key=$1 short=$2 label=$3 rate=$4 p99=$5
  CEILING[$key]=$rate
  CEILING_NAME[$key]=$short
  RESULTS+=("$label|$rate|$p99|-|")
}

# Starts tongban on database URL $1; sets TB_URL. Returns 1 (with its log on stderr) if it does
# not come up.
start_tongban() {
  local db=$1 label=$2 port
  port=$(free_port)
  # The per-address limit of POST /api/v1/verify (verify.requests_per_minute) is off: the load
  # comes from one address, and the figure is the verification's, not the limiter's.
  cat > "$WORK_DIR/tongban.yaml" <<EOF
threads: $THREADS
access_log: true
verify:
  requests_per_minute: 0
EOF
  [[ -z $WORKER_THREADS ]] || echo "worker_threads: $WORKER_THREADS" >> "$WORK_DIR/tongban.yaml"
  (cd "$REPO_DIR" && exec "$TONGBAN" serve --config "$WORK_DIR/tongban.yaml" --db "$db" \
      --listen "127.0.0.1:$port" --demo) > "$WORK_DIR/tongban-$label.log" 2>&1 &
  PIDS+=($!)
  TB_URL="http://127.0.0.1:$port"
  TB_DB=$db
  if ! wait_for_http "$TB_URL$ITEM_PATH" "${PIDS[-1]}"; then
    echo "bench: tongban on $label did not come up; its log:" >&2
    tail -n 20 "$WORK_DIR/tongban-$label.log" >&2 || true
    stop_last
    return 1
  fi
}

# GET item and POST applications against the running tongban ($TB_URL), rows labelled $1.
measure_tongban() {
  local label=$1 post_key=$2 status session token
  status=$(curl -s -o /dev/null -w '%{http_code}' "$TB_URL$ITEM_PATH")
  if [[ $status == 200 ]]; then
    measure "$label GET $ITEM_PATH" http "$TB_URL$ITEM_PATH"
  else
    echo "bench: $label GET $ITEM_PATH answers $status; skipped" >&2
  fi
  session=$(curl -s -X POST "$TB_URL/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" || true)
  token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<< "$session")
  if [[ -n $token ]]; then
    export TOKEN=$token
    measure "$label POST /api/v1/applications" "$post_key" -s "$REPO_DIR/bench/submit.lua" "$TB_URL"
  else
    echo "bench: $label: could not log in as $USERNAME (answer: ${session:0:200}); POST skipped" >&2
  fi
  # POST /api/v1/verify of a credential signed by the demo's market issuer key (public route).
  local sign="$BUILD_DIR/tests/tongban_jws_sign" credential
  if [[ -x $sign && -n ${CEILING[verify]:-} ]]; then
    credential=$("$sign" --db "$TB_DB" --keys-dir "$REPO_DIR/var/keys" --issuer market --typ vc+jwt \
      '{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","TongbanLicence"],"id":"urn:tongban:licence:BENCH","issuer":{"id":"urn:tongban:sh:issuer:market"},"validFrom":"2026-01-01T00:00:00+08:00","credentialSubject":{"licence_type":"business_licence","holder_name":"张伟"}}' || true)
    if [[ -n $credential ]]; then
      TOKEN=$credential measure "$label POST /api/v1/verify" verify -s "$REPO_DIR/bench/verify.lua" "$TB_URL"
    fi
  fi
  # POST /api/v1/identity-codes/verify of the demo person's identity code (public route; the code
  # lives 60 s, fetched just before and longer than DURATION).
  local code
  if [[ -n $token && -n ${CEILING[verify]:-} ]]; then
    code=$(curl -s "$TB_URL/api/v1/me/identity-code" -H "Authorization: Bearer $token" |
      sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    if [[ -n $code ]]; then
      TOKEN=$code VERIFY_PATH=/api/v1/identity-codes/verify \
        measure "$label POST /api/v1/identity-codes/verify" verify -s "$REPO_DIR/bench/verify.lua" "$TB_URL"
    else
      echo "bench: $label: no identity code for $USERNAME; identity-code verification skipped" >&2
    fi
  fi
}

echo "bench: wrk -t$THREADS -c$CONNECTIONS -d$DURATION; tongban worker_threads ${WORKER_THREADS:-default}; $(nproc) CPU(s) shared by the servers and wrk; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. HTTP ceiling: measured at the start and again at the end of the run; the better of the two
# counts, so that a burst of load from elsewhere on a shared machine does not lower the bar.
CEILING_NAME[http]="bare_beast"
measure_bare() {
  local port
  port=$(free_port)
  "$BARE" --port "$port" --threads "$THREADS" > "$WORK_DIR/bare_beast.log" 2>&1 &
  PIDS+=($!)
  wait_for_http "http://127.0.0.1:$port/" "${PIDS[-1]}" || { echo "bench: bare_beast did not start" >&2; exit 1; }
  measure "bare_beast GET / (ceiling, best of start and end)" "" "http://127.0.0.1:$port/"
  stop_last
  local row=${RESULTS[-1]}
  unset 'RESULTS[-1]'
  if [[ -z ${BARE_ROW:-} ]] || awk -v a="$LAST_RPS" -v b="${CEILING[http]}" 'BEGIN { exit !(a > b) }'; then
    BARE_ROW=$row
    CEILING[http]=$LAST_RPS
  fi
  BARE_RUNS+=("$LAST_RPS")
}
BARE_RUNS=()
measure_bare

# 2. Raw SQLite ceiling, on the disk the SQLite server uses.
if [[ -x "$SQLITE_CEILING" ]]; then
  while read -r shape rate _; do
    case $shape in
      per_transaction) ceiling sqlite_tx "sqlite_ceiling 1/tx" "sqlite_ceiling, 1 submission per transaction" "$rate" "-" ;;
      batch_64) ceiling sqlite_batch "sqlite_ceiling 64/tx" "sqlite_ceiling, 64 submissions per transaction (ceiling)" "$rate" "-" ;;
    esac
  done < <("$SQLITE_CEILING" --dir "$WORK_DIR" --seconds "$CEILING_SECONDS")
else
  echo "bench: $SQLITE_CEILING is missing (build the sqlite_ceiling target); no SQLite ceiling" >&2
fi

# 2b. Signing and the Merkle tree (bench/crypto_bench.cc): JWS next to raw libsodium on one core,
# RFC 9162 proofs at 10,000,000 leaves. Printed as they come; not part of the HTTP table.
CRYPTO_BENCH="$BUILD_DIR/bench/crypto_bench"
if [[ -x "$CRYPTO_BENCH" ]]; then
  echo "bench: crypto_bench (taskset -c 0)"
  if command -v taskset >/dev/null; then taskset -c 0 "$CRYPTO_BENCH"; else "$CRYPTO_BENCH"; fi \
    | tee "$WORK_DIR/crypto_bench.txt"
  # The ceiling of POST /api/v1/verify: raw libsodium verify on one core times the cores the
  # server has (it shares them with wrk, as every HTTP row does).
  raw_verify=$(awk '/^raw crypto_sign_verify_detached/ {print $(NF-3)}' "$WORK_DIR/crypto_bench.txt")
  if [[ -n $raw_verify ]]; then
    ceiling verify "raw verify x $(nproc)" "raw libsodium verify x $(nproc) cores (ceiling)" \
      "$(awk -v r="$raw_verify" -v n="$(nproc)" 'BEGIN { printf "%.0f", r * n }')" "-"
  fi
else
  echo "bench: $CRYPTO_BENCH is missing (build the crypto_bench target); no signing or Merkle figures" >&2
fi

# 2c. The access log (bench/access_log_bench.cc): sequencing next to raw SQLite inserts of the same
# rows, and an inclusion proof at 10,000,000 leaves (tiles in SQLite) next to raw SHA-256 of the
# same number of hashes. Printed as they come; not part of the HTTP table.
ACCESS_LOG_BENCH="$BUILD_DIR/bench/access_log_bench"
if [[ -x "$ACCESS_LOG_BENCH" ]]; then
  echo "bench: access_log_bench"
  "$ACCESS_LOG_BENCH" --dir "$WORK_DIR" --entries "${LOG_ENTRIES:-100000}" --leaves "${LOG_LEAVES:-10000000}"
else
  echo "bench: $ACCESS_LOG_BENCH is missing (build the access_log_bench target); no access-log figures" >&2
fi

# 2d. Licences (bench/licence_bench.cc): issuance (sign + store, durable, SQLite; 8 and 64 writers) next to raw
# libsodium signing, and status list credentials of 131,072 entries rebuilt and signed.
LICENCE_BENCH="$BUILD_DIR/bench/licence_bench"
if [[ -x "$LICENCE_BENCH" ]]; then
  echo "bench: licence_bench"
  "$LICENCE_BENCH" --db "sqlite:$WORK_DIR/licence-bench.db"
else
  echo "bench: $LICENCE_BENCH is missing (build the licence_bench target); no licence figures" >&2
fi

# 2e. Bundles (bench/bundle_bench.mjs, issue 11 item 1): a bundle of 5 items from submission to
# joint issuance, 11 durable write requests on a local tongban (SQLite), next to the raw cost of 11
# durable SQLite transactions (sqlite_ceiling, 1 per transaction) measured above.
if [[ -x "$TONGBAN" ]] && command -v node >/dev/null; then
  echo "bench: bundle_bench"
  if bundle_line=$(TONGBAN_BIN="$TONGBAN" node "$REPO_DIR/bench/bundle_bench.mjs" "${BUNDLE_RUNS:-20}"); then
    echo "$bundle_line"
    read -r _ runs median p90 writes <<<"$bundle_line"
    if [[ -n "${CEILING[sqlite_tx]:-}" ]]; then
      raw_ms=$(awk -v w="$writes" -v r="${CEILING[sqlite_tx]}" 'BEGIN { printf "%.1f", w * 1000 / r }')
      echo "bench: bundle of 5 items, submission to joint issuance: median ${median} ms, p90 ${p90} ms over ${runs} runs (target < 200 ms); raw ${writes} durable transactions ${raw_ms} ms; ratio $(awk -v a="$raw_ms" -v b="$median" 'BEGIN { printf "%.2f", a / b }')"
    fi
  else
    echo "bench: bundle_bench failed" >&2
  fi
fi

# 2f. The personal homepage (bench/home_bench.mjs, issue 12): GET /api/v1/me/home for a person with
# 50 applications and 20 licences, open-loop at 200 requests/s (target p99 < 20 ms), next to the
# same client and schedule against bare_beast in the same run (the raw HTTP round trip).
if [[ -x "$TONGBAN" ]] && command -v node >/dev/null; then
  echo "bench: home_bench"
  if home_line=$(TONGBAN_BIN="$TONGBAN" BARE="$BARE" node "$REPO_DIR/bench/home_bench.mjs" "${HOME_RATE:-200}" "${HOME_SECONDS:-20}"); then
    echo "$home_line"
    read -r _ rate seconds sent p50 p99 errors bare_p99 <<<"$home_line"
    echo "bench: homepage at ${rate}/s for ${seconds} s: p50 ${p50} ms, p99 ${p99} ms (target < 20 ms), ${errors} errors of ${sent}; bare_beast p99 ${bare_p99} ms at the same rate; ratio $(awk -v a="$bare_p99" -v b="$p99" 'BEGIN { printf "%.2f", a / b }')"
  else
    echo "bench: home_bench failed" >&2
  fi
fi

# 2g. The dashboards (bench/metrics_bench.cc, issue 13 item 3): a department's and the city's month
# over the counters of 1,000,000 cases on SQLite, next to one raw SELECT of the month's sums; the
# counters' cost on a submission as a ratio to a submission without them. On PostgreSQL below.
METRICS_BENCH="$BUILD_DIR/bench/metrics_bench"
if [[ -x "$METRICS_BENCH" ]]; then
  echo "bench: metrics_bench (sqlite)"
  "$METRICS_BENCH" --db "sqlite:$WORK_DIR/metrics-bench.db" --cases "${METRICS_CASES:-1000000}" \
    --catalogue "$REPO_DIR/catalogue" || echo "bench: metrics_bench failed" >&2
else
  echo "bench: $METRICS_BENCH is missing (build the metrics_bench target); no dashboard figures" >&2
fi

# 2h. Pre-fill (bench/prefill_bench.mjs, issue 9): a city of PREFILL_PERSONS generated persons
# (default 1,000,000; PREFILL=0 skips it, it takes minutes per database), then the pre-fill of a
# form that declares five datasets, open-loop at 500 requests/s (target p99 < 10 ms), next to the
# raw reads it makes on the same database (bench/read_ceiling) and bare_beast on the same
# schedule. On SQLite here, on PostgreSQL in step 4.
READ_CEILING="$BUILD_DIR/bench/read_ceiling"
# measure_prefill DB_URL RAW_ARGS...: generates the city into DB_URL, then measures.
measure_prefill() {
  local db=$1 raw_line prefill_line
  shift
  echo "bench: prefill_bench on ${db%%:*} (generating ${PREFILL_PERSONS:-1000000} persons first)"
  if (cd "$REPO_DIR" && "$TONGBAN" demo generate --persons "${PREFILL_PERSONS:-1000000}" --enterprises 1000 --seed 1 \
        --db "$db" 2>/dev/null | grep '^Generated') &&
     raw_line=$("$READ_CEILING" "$@" --seconds 10) &&
     prefill_line=$(PREFILL_DB="$db" TONGBAN_BIN="$TONGBAN" BARE="$BARE" \
       node "$REPO_DIR/bench/prefill_bench.mjs" "${PREFILL_RATE:-500}" "${PREFILL_SECONDS:-20}"); then
    echo "$raw_line"
    echo "$prefill_line"
    read -r _ raw_rate raw_p50 raw_p99 _ <<<"$raw_line"
    read -r _ rate seconds sent p50 p99 errors bare_p99 found <<<"$prefill_line"
    echo "bench: pre-fill on ${db%%:*} at ${rate}/s for ${seconds} s: p50 ${p50} ms, p99 ${p99} ms (target < 10 ms), ${errors} errors of ${sent}, ${found} datasets answered; raw reads ${raw_p50} us p50, ${raw_p99} us p99 (${raw_rate} forms/s, one connection); bare_beast p99 ${bare_p99} ms"
  else
    echo "bench: prefill_bench on ${db%%:*} failed" >&2
  fi
}
PREFILL_READY=0
if [[ ${PREFILL:-1} == 1 && -x "$TONGBAN" && -x "$READ_CEILING" ]] && command -v node >/dev/null; then
  PREFILL_READY=1
  measure_prefill "sqlite:$WORK_DIR/prefill.db" --db "$WORK_DIR/prefill.db"
  rm -f "$WORK_DIR"/prefill.db*
fi

# 2i. Mutual recognition (bench/peer_verify_bench.mjs, issue 14): POST /api/v1/verify of a peer
# platform's licence (two tongban processes, Shanghai peered with Zhejiang; the peer's cached list
# and status list) next to a local licence on the same server, best of PEER_ROUNDS rounds of
# DURATION each (target: at least 0.90 of the local throughput).
if [[ -x "$TONGBAN" ]] && command -v node >/dev/null; then
  echo "bench: peer_verify_bench"
  if peer_line=$(TONGBAN_BIN="$TONGBAN" THREADS="$THREADS" CONNECTIONS="$CONNECTIONS" \
      node "$REPO_DIR/bench/peer_verify_bench.mjs" "$DURATION" "${PEER_ROUNDS:-2}"); then
    echo "$peer_line"
    read -r _ local_rps peer_rps ratio not_valid <<<"$peer_line"
    echo "bench: verification of a peer's licence ${peer_rps} req/s next to a local licence ${local_rps} req/s: ratio ${ratio} (target >= 0.90); ${not_valid} answers not valid"
  else
    echo "bench: peer_verify_bench failed" >&2
  fi
fi

# 2j. Cross-province applications (bench/forward_bench.mjs, issue 14): FORWARD_CASES cases filed at
# Shanghai for Zhejiang's item until Zhejiang took every one and Shanghai mirrored it (the signed
# messages through both outboxes), next to as many local submissions at Shanghai.
if [[ -x "$TONGBAN" ]] && command -v node >/dev/null; then
  echo "bench: forward_bench"
  if forward_line=$(TONGBAN_BIN="$TONGBAN" THREADS="$THREADS" \
      node "$REPO_DIR/bench/forward_bench.mjs" "${FORWARD_CASES:-400}" 16); then
    echo "$forward_line"
    read -r _ local_rate forward_rate ratio _ _ <<<"$forward_line"
    echo "bench: cross-province cases forwarded and taken ${forward_rate}/s next to local submissions ${local_rate}/s: ratio ${ratio}"
  else
    echo "bench: forward_bench failed" >&2
  fi
fi

# 3. Tongban on SQLite.
if [[ -x "$TONGBAN" ]]; then
  if start_tongban "sqlite:$WORK_DIR/bench.db" sqlite; then
    measure_tongban "sqlite" sqlite_batch
    stop_last
  fi
else
  echo "bench: $TONGBAN not built; only the ceilings were measured" >&2
fi

# 4. PostgreSQL: pgbench, then tongban, on one throwaway cluster.
pg_unavailable() {
  echo "bench: PostgreSQL not measured: $*" >&2
}
pgbench_p99() {
  # pgbench -l writes "client transaction latency_us script epoch epoch_us" per transaction.
  cat "$WORK_DIR"/pgbench_log.* 2>/dev/null | awk '{print $3}' | sort -n |
    awk '{v[NR] = $1} END { i = int(NR * 0.99 + 0.5); if (i < 1) i = 1; if (NR) printf "%.2fms", v[i] / 1000; else print "-" }'
}
if [[ $POSTGRES != 1 ]]; then
  pg_unavailable "POSTGRES=$POSTGRES"
elif [[ ! -x "$PG_CLUSTER" ]]; then
  pg_unavailable "$PG_CLUSTER is missing"
elif ! command -v psql >/dev/null || ! command -v pgbench >/dev/null; then
  pg_unavailable "psql or pgbench is not installed (apt-get install postgresql-client)"
elif ! PG_URL=$("$PG_CLUSTER" start "$PG_DIR" 2> "$WORK_DIR/pg-start.log"); then
  PG_STARTED=1  # stop whatever part of it started
  pg_unavailable "$PG_CLUSTER start failed: $(tail -n 5 "$WORK_DIR/pg-start.log")"
else
  PG_STARTED=1
  PG_URL=$(tail -n 1 <<< "$PG_URL")
  PG_BASE=${PG_URL%/*}
  if ! psql "$PG_URL" -qX -v ON_ERROR_STOP=1 -c 'CREATE DATABASE pgbench' -c 'CREATE DATABASE tongban_bench' \
      -c 'CREATE DATABASE tongban_metrics' -c 'CREATE DATABASE tongban_prefill' \
      > "$WORK_DIR/psql.log" 2>&1; then
    pg_unavailable "could not create the databases: $(cat "$WORK_DIR/psql.log")"
  else
    if pgbench -i -s "$PGBENCH_SCALE" -q "$PG_BASE/pgbench" > "$WORK_DIR/pgbench-init.log" 2>&1 &&
       (cd "$WORK_DIR" && pgbench -c 8 -j 2 -T "$PGBENCH_SECONDS" -l --log-prefix=pgbench_log "$PG_BASE/pgbench") \
         > "$WORK_DIR/pgbench.log" 2>&1; then
      tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$WORK_DIR/pgbench.log" | tail -n 1)
      tps=$(printf '%.2f' "${tps:-0}")
      ceiling pgbench "pgbench TPS" "pgbench -c 8 -j 2 -T $PGBENCH_SECONDS, TPC-B-like (ceiling)" "${tps:-0}" "$(pgbench_p99)"
    else
      echo "bench: pgbench failed:" >&2
      tail -n 5 "$WORK_DIR/pgbench-init.log" "$WORK_DIR/pgbench.log" >&2 || true
    fi
    if [[ -x "$TONGBAN" ]] && start_tongban "$PG_BASE/tongban_bench" postgres; then
      measure_tongban "postgres" pgbench
      stop_last
      # Bytes per row after the run (table, TOAST and indexes), for the sizing in docs/operations.md.
      if [[ -x "$METRICS_BENCH" ]]; then
        echo "bench: metrics_bench (postgres)"
        "$METRICS_BENCH" --db "$PG_BASE/tongban_metrics" --cases "${METRICS_CASES:-1000000}" \
          --catalogue "$REPO_DIR/catalogue" || echo "bench: metrics_bench failed" >&2
      fi
      [[ $PREFILL_READY == 0 ]] || measure_prefill "$PG_BASE/tongban_prefill" --pg "$PG_BASE/tongban_prefill"
      PG_STORAGE=$(psql "$PG_BASE/tongban_bench" -XAtq -F ' ' -c "SELECT
          (SELECT count(*) FROM applications), pg_total_relation_size('applications'),
          (SELECT count(*) FROM events), pg_total_relation_size('events')" 2>/dev/null |
        awk '$1 > 0 && $3 > 0 { printf "postgres storage: %d applications, %.0f bytes each; %d events, %.0f bytes each (with indexes)", $1, $2 / $1, $3, $4 / $3 }') || true
    fi
  fi
fi

measure_bare
RESULTS=("$BARE_ROW" "${RESULTS[@]}")

# 5. The table.
echo
echo "bare_beast: ${BARE_RUNS[0]} req/s at the start, ${BARE_RUNS[1]} at the end"
printf '%-62s %10s %10s %8s %8s  %s\n' "benchmark" "req/s" "p99" "non-2xx" "ratio" "of"
for row in "${RESULTS[@]}"; do
  IFS='|' read -r name rps p99 non2xx key <<< "$row"
  ratio="" of=""
  if [[ -n $key && -n ${CEILING[$key]:-} ]]; then
    ratio=$(awk -v a="$rps" -v b="${CEILING[$key]}" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }')
    of=${CEILING_NAME[$key]}
  fi
  printf '%-62s %10s %10s %8s %8s  %s\n' "$name" "$rps" "$p99" "$non2xx" "$ratio" "$of"
done

[[ -z ${PG_STORAGE:-} ]] || printf '\n%s\n' "$PG_STORAGE"

# The issue's target for PostgreSQL.
for row in "${RESULTS[@]}"; do
  IFS='|' read -r name rps _ _ key <<< "$row"
  if [[ $key == pgbench && $name == *POST* && -n ${CEILING[pgbench]:-} ]]; then
    awk -v a="$rps" -v b="${CEILING[pgbench]}" 'BEGIN {
      r = b > 0 ? 100 * a / b : 0
      printf "\ntarget: PostgreSQL submissions >= 50%% of pgbench TPS: %.0f%% (%s)\n", r, (r >= 50 ? "met" : "not met") }'
  fi
done

# 6. demo generate next to the raw bulk-load rate (bench/generate.sh; GENERATE=0 skips it).
if [[ ${GENERATE:-1} == 1 && -x "$TONGBAN" ]]; then
  echo
  POSTGRES=$POSTGRES "$REPO_DIR/bench/generate.sh" "$BUILD_DIR" || echo "bench: bench/generate.sh failed" >&2
fi

# 7. The outbox's email sender next to the raw acceptance rate of the same local SMTP server
# (bench/outbox_smtp.sh; OUTBOX=0 skips it).
if [[ ${OUTBOX:-1} == 1 && -x "$TONGBAN" ]]; then
  echo
  "$REPO_DIR/bench/outbox_smtp.sh" "$BUILD_DIR" || echo "bench: bench/outbox_smtp.sh failed" >&2
fi
