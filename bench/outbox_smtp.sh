#!/usr/bin/env bash
# The outbox's email throughput (issue 12 item 3) next to the raw acceptance rate of the same local
# SMTP server (docs/PERFORMANCE.md). Usage: bench/outbox_smtp.sh BUILD_DIR [MESSAGES]
#
#   raw      python smtplib sends MESSAGES mails over one connection to aiosmtpd (tests/api/smtp_sink.py
#            --quiet): the server's ceiling for one client.
#   outbox   tongban serve (SQLite) with smtp.url at the same server; MESSAGES outbox rows of kind
#            email (the payload an inbox message writes) are inserted in one transaction, due now;
#            the time until every row is sent, as messages/s. Each goes through DeliverOutbox:
#            claim under a lease, render from web/i18n, libcurl SMTP (one kept connection), record.
# Prints both rates and their ratio. Every process it starts is stopped on exit.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [MESSAGES]" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd)
N=${2:-2000}
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3  # Debian's, with python3-aiosmtpd
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tongban-outbox-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
SMTP_PORT=$(port)
mkfifo "$WORK/sink.in"
$PY "$REPO_DIR/tests/api/smtp_sink.py" "$SMTP_PORT" --quiet < "$WORK/sink.in" > "$WORK/sink.out" 2>&1 &
PIDS+=($!)
exec 9> "$WORK/sink.in"  # keeps the sink's stdin open
for _ in $(seq 100); do grep -q ready "$WORK/sink.out" 2>/dev/null && break; sleep 0.1; done

echo "outbox bench: $N messages; $(nproc) CPU(s); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Raw acceptance rate: one smtplib connection, N messages of the same size.
RAW=$($PY - "$SMTP_PORT" "$N" <<'PYEOF'
import smtplib, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
body = ("Subject: x\r\nMessage-ID: <%d@bench>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + "x" * 200 + "\r\n")
s = smtplib.SMTP("127.0.0.1", port)
start = time.monotonic()
for i in range(n):
    s.sendmail("tongban@bench.example", ["zhang.wei@example.com"], body % i)
elapsed = time.monotonic() - start
s.quit()
print(f"{n / elapsed:.0f}")
PYEOF
)

# 2. The outbox, through tongban serve.
DB="$WORK/tongban.db"
cat > "$WORK/tongban.yaml" <<YAML
smtp:
  url: smtp://127.0.0.1:$SMTP_PORT
  from: tongban@bench.example
  tls: "off"
YAML
"$BUILD_DIR/tongban" serve --db "sqlite:$DB" --listen 127.0.0.1:0 --config "$WORK/tongban.yaml" \
  --catalogue "$REPO_DIR/catalogue" --web "$REPO_DIR/web" --openapi "$REPO_DIR/docs/openapi.json" \
  --keys-dir "$WORK/keys" --publish-catalogue > "$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 600); do grep -q "serving on" "$WORK/server.log" && break; sleep 0.1; done
grep -q "serving on" "$WORK/server.log" || { echo "bench: tongban did not start:"; cat "$WORK/server.log"; exit 1; }
$PY - "$DB" "$N" <<'PYEOF'
import sqlite3, sys, json
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db, timeout=30)
payload = json.dumps({"to": "zhang.wei@example.com", "language": "zh", "message_id": "m", "kind": "application_accepted",
                      "params": {"item": "hrss.social-security-card", "reference": "SH-2026-000001"},
                      "reference_kind": "application", "reference_id": "a"}, ensure_ascii=False)
with c:
    c.executemany("INSERT INTO outbox (id, kind, dedupe_key, payload, created_at, next_attempt_at, attempts, state, last_error)"
                  " VALUES (?, 'email', ?, ?, 0, 0, 0, 'pending', '')",
                  [("BENCH%021d" % i, "bench:%d" % i, payload) for i in range(n)])
PYEOF
START=$(date +%s.%N)
while :; do
  SENT=$($PY -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1], timeout=30).execute(\"SELECT COUNT(*) FROM outbox WHERE state='sent'\").fetchone()[0])" "$DB")
  [[ $SENT -ge $N ]] && break
  sleep 0.2
done
END=$(date +%s.%N)
OUTBOX=$(awk -v n="$N" -v a="$START" -v b="$END" 'BEGIN { printf "%.0f", n / (b - a) }')
printf '%-58s %10s msg/s\n' "raw: python smtplib -> aiosmtpd, one connection" "$RAW"
printf '%-58s %10s msg/s  %s of raw\n' "outbox: tongban email sender (libcurl) -> the same server" "$OUTBOX" \
  "$(awk -v a="$OUTBOX" -v b="$RAW" 'BEGIN { printf "%.0f%%", 100 * a / b }')"
